using System.Globalization;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Messaging.Redelivery;

/// <summary>
/// Takes parked messages back. A message whose consumer failed past its retries (a database restart, Redis away for
/// longer than the retries last) is parked by MassTransit in the queue's <c>_error</c> queue. Every
/// <see cref="ParkedMessageOptions.Interval"/> this measures each error queue (metric <c>platform.messaging.parked</c>) and,
/// while every health check of the service passes, moves each message that waited its delay back to its own queue
/// (through the default exchange: only the consumer that failed sees it again; its inbox absorbs a duplicate).
/// Publish is confirmed before the parked copy is acknowledged, so a crash in between duplicates and never loses.
/// </summary>
internal sealed partial class ParkedMessageRedriver(
    BrokerAddress broker,
    ReceiveQueues queues,
    HealthCheckService health,
    MessagingMetrics metrics,
    IOptions<ParkedMessageOptions> options,
    TimeProvider time,
    ILogger<ParkedMessageRedriver> logger) : BackgroundService
{
    private const string RedrivesHeader = "Platform-Redrives";

    private const string FaultTimestampHeader = "MT-Fault-Timestamp";

    private readonly HashSet<string> _reportedExhausted = [];
    private IConnection? _connection;
    private string? _heldBackBecause;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (queues.Names.Count == 0)
            {
                continue;
            }

            // A pass is bounded: a broker that stops answering mid-pass (a publish waiting for a confirm that never
            // comes, a channel's close that is never answered: RabbitMQ.Client does not always heed the token) must not
            // stall every later pass. One that overruns is left behind, its connection aborted under it.
            using var pass = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            pass.CancelAfter(options.Value.PassTimeout);
            Task? running = null;
            try
            {
                _connection ??= await new ConnectionFactory { Uri = broker.Uri, ClientProvidedName = "parked-message-redriver", AutomaticRecoveryEnabled = false }
                    .CreateConnectionAsync(pass.Token).ConfigureAwait(false);
                running = PassAsync(_connection, pass.Token);
                await running.WaitAsync(pass.Token).ConfigureAwait(false);
                metrics.RecordRedrivePass();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The broker is away or stuck: the messages wait where they are; the next pass tries on a new connection.
                if (pass.IsCancellationRequested)
                {
                    LogPassOverran(options.Value.PassTimeout);
                }
                else
                {
                    LogPassFailed(ex);
                }

                _ = running?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await DropConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass on <paramref name="connection"/> (no automatic recovery: a connection that failed is dropped and
    /// a new one made for the next pass).</summary>
    private async Task PassAsync(IConnection connection, CancellationToken cancellationToken)
    {
        // counted first: the health checks (a round trip to every dependency) run only when something is parked
        HealthReport? report = null;
        foreach (var queue in queues.Names)
        {
            var parked = await CountAsync(connection, queue + "_error", cancellationToken).ConfigureAwait(false);
            metrics.RecordParked(queue, parked);
            if (parked == 0)
            {
                continue;
            }

            report ??= await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            if (report.Status == HealthStatus.Healthy)
            {
                await RedriveAsync(connection, queue, cancellationToken).ConfigureAwait(false);
            }
        }

        ReportHeldBack(report);
    }

    /// <summary>Says once, when it starts and when it ends, that parked messages wait for the service to be healthy
    /// again, and which checks fail: an operator sees why the parked count does not fall.</summary>
    private void ReportHeldBack(HealthReport? report)
    {
        var because = report is { Status: not HealthStatus.Healthy }
            ? string.Join(", ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key} {e.Value.Status}"))
            : null;
        if (because == _heldBackBecause)
        {
            return;
        }

        if (because is null)
        {
            LogReleased();
        }
        else
        {
            LogHeldBack(because);
        }

        _heldBackBecause = because;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not { } connection)
        {
            return;
        }

        _connection = null;
        try
        {
            // Aborted first: that closes the socket under anything still waiting on it (a pass left behind). RabbitMQ.Client's
            // dispose can wait on a broken connection indefinitely: give it a few seconds, then let it go.
            await connection.AbortAsync(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or OperationInterruptedException or AlreadyClosedException)
        {
            LogDropFailed(ex);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await DropConnectionAsync().ConfigureAwait(false);
    }

    private static async Task<long> CountAsync(IConnection connection, string errorQueue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken).ConfigureAwait(false)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return 0; // MassTransit declares the error queue with the first message it parks
        }
    }

    private async Task RedriveAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        var errorQueue = queue + "_error";
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var redriven = 0;
        for (var i = 0; i < options.Value.MaxPerPass; i++)
        {
            if (await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken).ConfigureAwait(false) is not { } message)
            {
                break;
            }

            // Messages not due stay unacknowledged until the channel closes, which puts them back where they were.
            var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            var redrives = ReadInt(headers, RedrivesHeader);
            if (redrives >= options.Value.MaxRedrives)
            {
                ReportExhausted(queue, message.BasicProperties.MessageId, redrives);
                continue;
            }

            if (ReadTimestamp(headers, FaultTimestampHeader) is { } parkedAt && now < parkedAt + options.Value.Delay(redrives))
            {
                continue;
            }

            var properties = new BasicProperties(message.BasicProperties)
            {
                // MassTransit parks a message with the headers it arrived with: a re-driven one that failed again
                // already carries the count (copying it too made every later pass throw on the duplicate key)
                Headers = headers.Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key is not ("MT-Reason" or RedrivesHeader))
                    .Append(new(RedrivesHeader, redrives + 1)).ToDictionary(),
            };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken).ConfigureAwait(false);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
            redriven++;
        }

        if (redriven > 0)
        {
            metrics.RecordRedriven(queue, redriven);
            LogRedriven(redriven, queue);
        }
    }

    private void ReportExhausted(string queue, string? messageId, int redrives)
    {
        bool first;
        lock (_reportedExhausted) // a pass left behind may still be finishing beside the next
        {
            if (_reportedExhausted.Count > 10_000)
            {
                _reportedExhausted.Clear();
            }

            first = _reportedExhausted.Add($"{queue}/{messageId}");
        }

        if (first)
        {
            LogExhausted(messageId, queue, redrives);
        }
    }

    private static int ReadInt(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) ? value switch
        {
            int i => i,
            long l => (int)l,
            byte[] bytes when int.TryParse(Encoding.UTF8.GetString(bytes), CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        } : 0;

    private static DateTimeOffset? ReadTimestamp(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) && value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            _ => null,
        } is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-drove {Count} parked messages to {Queue}")]
    private partial void LogRedriven(int count, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} in {Queue}_error failed after {Redrives} re-drives with the service healthy; it stays parked for an operator")]
    private partial void LogExhausted(string? messageId, string queue, int redrives);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parked message pass failed; trying again next interval")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parked message pass did not finish within {PassTimeout}; its connection is dropped and the next pass starts afresh")]
    private partial void LogPassOverran(TimeSpan passTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parked messages wait for the service to be healthy again ({Checks})")]
    private partial void LogHeldBack(string checks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Parked messages are no longer held back")]
    private partial void LogReleased();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The re-driver's broker connection did not close cleanly; a new one is made")]
    private partial void LogDropFailed(Exception exception);
}
