using Npgsql;

namespace Platform.Payment.Infrastructure;

/// <summary>Creates <c>payments</c> at start-up (idempotent), before the bus starts consuming.</summary>
internal sealed class PaymentsSchema(NpgsqlDataSource dataSource) : IHostedService
{
    // order_id is the primary key: the database itself refuses a second payment for one order.
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS payments (
            order_id uuid PRIMARY KEY,
            payment_id text NULL,
            amount numeric NOT NULL,
            status text NOT NULL,
            failure_reason text NULL,
            fence bigint NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        -- Reconciliation, added to tables created before it: reconcile_after is set while money may sit at the
        -- provider that must be checked or sent back, and is the reconciler's queue (the partial index keeps it small).
        ALTER TABLE payments ADD COLUMN IF NOT EXISTS refund_id text NULL;
        ALTER TABLE payments ADD COLUMN IF NOT EXISTS refund_reason text NULL;
        ALTER TABLE payments ADD COLUMN IF NOT EXISTS reconcile_after timestamptz NULL;
        ALTER TABLE payments ADD COLUMN IF NOT EXISTS reconciled_at timestamptz NULL;
        CREATE INDEX IF NOT EXISTS payments_reconcile_due ON payments (reconcile_after) WHERE reconcile_after IS NOT NULL;
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas starting together would race on the catalog rows CREATE TABLE IF NOT EXISTS writes.
        await using (var advisory = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7461101)", connection, transaction))
        {
            await advisory.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand(Ddl, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
