using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Platform.Messaging;

/// <summary>Creates the outbox and inbox tables in the service's database at start-up (idempotent).</summary>
internal sealed class MessagingSchemaInitializer(NpgsqlDataSource dataSource) : IHostedService
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox_messages (
            id uuid PRIMARY KEY,
            message_type text NOT NULL,
            payload jsonb NOT NULL,
            trace_parent text NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            sent_at timestamptz NULL
        );
        CREATE INDEX IF NOT EXISTS outbox_messages_unsent ON outbox_messages (created_at) WHERE sent_at IS NULL;
        CREATE TABLE IF NOT EXISTS inbox_messages (
            message_id uuid NOT NULL,
            consumer text NOT NULL,
            processed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (message_id, consumer)
        );
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Two replicas may start together: the advisory lock makes the DDL run once at a time.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7461001)", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
