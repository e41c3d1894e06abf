using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox rows and marks them sent, in one database transaction per batch. A batch's rows are
/// published concurrently, each confirmed by the broker before its row is marked; a crash between the two sends the row again, which consumers absorb through
/// their inbox (the outbox row id is the message id). Rows are claimed with SKIP LOCKED, so replicas share the work.
/// </summary>
internal sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("Platform.Messaging");

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        var lastCleanup = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await DispatchBatchAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                if (DateTime.UtcNow - lastCleanup > TimeSpan.FromMinutes(1))
                {
                    await DeleteOldRowsAsync(stoppingToken).ConfigureAwait(false);
                    lastCleanup = DateTime.UtcNow;
                }

                if (sent == options.Value.BatchSize)
                {
                    continue;
                }

                await signal.WaitAsync(options.Value.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Broker or database away: nothing is lost (rows stay unsent); back off and try again.
                failures++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8))));
                LogDispatchFailed(ex, backoff.TotalMilliseconds);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(Guid Id, string Type, string Payload, string? TraceParent)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, message_type, payload::text, trace_parent FROM outbox_messages WHERE sent_at IS NULL ORDER BY created_at LIMIT @batch FOR UPDATE SKIP LOCKED",
            connection, transaction))
        {
            select.Parameters.AddWithValue("batch", options.Value.BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        // The batch's publishes are in flight together and their confirms come back together: one at a time, each
        // waiting for its confirm, capped a dispatcher near 190 events/s (bench/orders.sh). Consumers do not depend on
        // the order of events (the inbox and the order state machine decide late and early ones).
        var failures = await Task.WhenAll(rows.Select(row => TryPublishAsync(row.Id, row.Type, row.Payload, row.TraceParent, cancellationToken))).ConfigureAwait(false);
        var sent = rows.Where((_, i) => failures[i] is null).Select(r => r.Id).ToArray();
        if (sent.Length > 0)
        {
            await using var update = new NpgsqlCommand("UPDATE outbox_messages SET sent_at = now() WHERE id = ANY(@ids)", connection, transaction);
            update.Parameters.AddWithValue("ids", sent);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // the confirmed ones are marked; the rest stay unsent and the caller backs off
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return rows.Count;
    }

    private async Task<Exception?> TryPublishAsync(Guid id, string typeName, string payload, string? traceParent, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(id, typeName, payload, traceParent, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ex;
        }
    }

    private async Task PublishAsync(Guid id, string typeName, string payload, string? traceParent, CancellationToken cancellationToken)
    {
        var type = MessageTypeName.Resolve(typeName);
        var message = JsonSerializer.Deserialize(payload, type, MessageJson.Options)!;
        using var activity = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity("outbox publish", ActivityKind.Producer, parent)
            : Source.StartActivity("outbox publish", ActivityKind.Producer);
        activity?.SetTag("messaging.message.id", id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = id), timeout.Token).ConfigureAwait(false);
    }

    private async Task DeleteOldRowsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM outbox_messages WHERE sent_at < now() - @retention");
        command.Parameters.AddWithValue("retention", options.Value.Retention);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed; retrying in {BackoffMs} ms")]
    private partial void LogDispatchFailed(Exception exception, double backoffMs);
}
