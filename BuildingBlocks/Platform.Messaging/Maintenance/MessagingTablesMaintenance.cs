using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Messaging.Maintenance;

/// <summary>
/// Keeps the outbox and the inbox bounded (sent rows and old inbox rows are deleted in short batches, each served by
/// its index) and measures what is stuck: unsent rows, and those among them that failed by themselves.
/// </summary>
internal sealed partial class MessagingTablesMaintenance(
    NpgsqlDataSource dataSource,
    MessagingMetrics metrics,
    IOptions<MessagingTablesOptions> options,
    ILogger<MessagingTablesMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                await MeasureOutboxAsync(stoppingToken).ConfigureAwait(false);
                var outbox = await DeleteAsync(
                    "DELETE FROM outbox_messages WHERE id IN (SELECT id FROM outbox_messages WHERE sent_at < now() - @retention LIMIT @batch)",
                    options.Value.OutboxRetention, stoppingToken).ConfigureAwait(false);
                var inbox = await DeleteAsync(
                    "DELETE FROM inbox_messages WHERE (message_id, consumer) IN (SELECT message_id, consumer FROM inbox_messages WHERE processed_at < now() - @retention LIMIT @batch)",
                    options.Value.InboxRetention, stoppingToken).ConfigureAwait(false);
                if (outbox + inbox > 0)
                {
                    LogPruned(outbox, inbox);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away; the next tick tries again.
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task MeasureOutboxAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*), count(*) FILTER (WHERE attempts > 0), coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox_messages WHERE sent_at IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        metrics.RecordOutbox(unsent: reader.GetInt64(0), failing: reader.GetInt64(1), oldestSeconds: reader.GetDouble(2));
    }

    private async Task<int> DeleteAsync(string sql, TimeSpan retention, CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("retention", retention);
            command.Parameters.AddWithValue("batch", options.Value.DeleteBatchSize);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == options.Value.DeleteBatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Outbox} sent outbox rows and {Inbox} inbox rows")]
    private partial void LogPruned(int outbox, int inbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Messaging tables maintenance failed; trying again next interval")]
    private partial void LogFailed(Exception exception);
}
