using Npgsql;

namespace Platform.Order.Infrastructure;

/// <summary>Creates the ordering tables at start-up (idempotent; replicas serialise on an advisory lock).</summary>
internal sealed class OrderingSchema(NpgsqlDataSource dataSource) : IHostedService
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS orders (
            id uuid PRIMARY KEY,
            buyer_id text NOT NULL,
            status text NOT NULL,
            status_reason text NULL,
            total numeric(14,2) NOT NULL,
            idempotency_key text NOT NULL,
            request_hash text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT orders_idempotency_key UNIQUE (buyer_id, idempotency_key)
        );
        CREATE INDEX IF NOT EXISTS orders_buyer_created ON orders (buyer_id, created_at DESC);
        CREATE INDEX IF NOT EXISTS orders_open ON orders (created_at) WHERE status IN ('Pending', 'StockReserved');
        CREATE TABLE IF NOT EXISTS order_lines (
            order_id uuid NOT NULL REFERENCES orders (id),
            product_id int NOT NULL,
            quantity int NOT NULL CHECK (quantity > 0),
            unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
            PRIMARY KEY (order_id, product_id)
        );
        CREATE TABLE IF NOT EXISTS order_status_history (
            order_id uuid NOT NULL REFERENCES orders (id),
            status text NOT NULL,
            reason text NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE INDEX IF NOT EXISTS order_status_history_order ON order_status_history (order_id, at);
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var advisoryLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7461002)", connection, transaction))
        {
            await advisoryLock.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ddl = new NpgsqlCommand(Ddl, connection, transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
