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
    Topology.TopologyGate topology,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("Platform.Messaging");

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await topology.WaitAsync(stoppingToken).ConfigureAwait(false);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await DispatchBatchAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                if (claimed == options.Value.BatchSize)
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
        var rows = new List<OutboxRow>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, message_type, payload::text, trace_parent, attempts FROM outbox_messages WHERE sent_at IS NULL AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT @batch FOR UPDATE SKIP LOCKED",
            connection, transaction))
        {
            select.Parameters.AddWithValue("batch", options.Value.BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4)));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        // The batch's publishes are in flight together and their confirms come back together: one at a time, each
        // waiting for its confirm, capped a dispatcher near 190 events/s (bench/orders.sh). Consumers do not depend on
        // the order of events (the inbox and the order state machine decide late and early ones).
        var failures = await Task.WhenAll(rows.Select(row => TryPublishAsync(row, cancellationToken))).ConfigureAwait(false);
        var sent = rows.Where((_, i) => failures[i] is null).Select(r => r.Id).ToArray();
        if (sent.Length > 0)
        {
            await using var update = new NpgsqlCommand("UPDATE outbox_messages SET sent_at = now() WHERE id = ANY(@ids)", connection, transaction);
            update.Parameters.AddWithValue("ids", sent);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // A row that fails by itself (its type no longer loads, no queue takes it) waits its own growing delay, so the
        // rows behind it leave on time; a failure of the broker itself leaves every row due and backs the dispatcher off.
        var rowFailures = rows.Select((row, i) => (Row: row, Failure: failures[i])).Where(f => f.Failure is not null && IsRowFailure(f.Failure)).ToArray();
        if (rowFailures.Length > 0)
        {
            await using var postpone = new NpgsqlCommand("""
                UPDATE outbox_messages AS o SET attempts = o.attempts + 1, next_attempt_at = now() + f.delay, last_error = f.error
                FROM unnest(@ids, @delays, @errors) AS f(id, delay, error) WHERE o.id = f.id
                """, connection, transaction);
            postpone.Parameters.AddWithValue("ids", rowFailures.Select(f => f.Row.Id).ToArray());
            postpone.Parameters.AddWithValue("delays", rowFailures.Select(f => OutboxRetry.Delay(f.Row.Attempts + 1)).ToArray());
            postpone.Parameters.AddWithValue("errors", rowFailures.Select(f => Truncate(f.Failure!.Message)).ToArray());
            await postpone.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (row, failure) in rowFailures)
            {
                LogRowFailed(failure!, row.Id, row.Type, row.Attempts + 1, OutboxRetry.Delay(row.Attempts + 1).TotalSeconds);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (failures.FirstOrDefault(f => f is not null && !IsRowFailure(f)) is { } brokerFailure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(brokerFailure);
        }

        return rows.Count;
    }

    private static bool IsRowFailure(Exception failure) =>
        failure is OutboxRowException or MessageReturnedException;

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];

    private async Task<Exception?> TryPublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(row, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ex;
        }
    }

    private async Task PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var (type, message) = OutboxRowException.Wrap(row, () =>
        {
            var type = MessageTypeName.Resolve(row.Type);
            return (type, JsonSerializer.Deserialize(row.Payload, type, MessageJson.Options) ?? throw new JsonException("The payload is null."));
        });
        using var activity = row.TraceParent is not null && ActivityContext.TryParse(row.TraceParent, null, out var parent)
            ? Source.StartActivity("outbox publish", ActivityKind.Producer, parent)
            : Source.StartActivity("outbox publish", ActivityKind.Producer);
        activity?.SetTag("messaging.message.id", row.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        // Mandatory: a message no queue is bound to comes back (MessageReturnedException) instead of being dropped,
        // and the row stays in the outbox until a consumer's queue exists (a first start, a new consumer).
        await bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
        {
            context.MessageId = row.Id;
            context.Mandatory = true;
        }), timeout.Token).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed; retrying in {BackoffMs} ms")]
    private partial void LogDispatchFailed(Exception exception, double backoffMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {MessageId} ({MessageType}) failed attempt {Attempts}; next attempt in {DelaySeconds} s")]
    private partial void LogRowFailed(Exception exception, Guid messageId, string messageType, int attempts, double delaySeconds);
}
