using Npgsql;

namespace Platform.Notification.Infrastructure;

internal sealed class NotificationSchema(NpgsqlDataSource dataSource) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(7461004);
            CREATE TABLE IF NOT EXISTS notifications (
                id uuid PRIMARY KEY,
                buyer_id text NOT NULL,
                order_id uuid NOT NULL,
                kind text NOT NULL,
                message text NOT NULL,
                created_at timestamptz NOT NULL
            );
            CREATE INDEX IF NOT EXISTS notifications_buyer_created ON notifications (buyer_id, created_at DESC);
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
