using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Platform.Messaging;

/// <summary>
/// What an operator watches (meter <c>Platform.Messaging</c>, in the dashboard's Metrics tab): the outbox's backlog and
/// its rows that keep failing, the messages parked in each queue's <c>_error</c> queue with their re-drives, and the
/// duplicate deliveries the inboxes dropped.
/// </summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "Platform.Messaging";

    private readonly ConcurrentDictionary<string, long> _parked = new();
    private readonly ConcurrentDictionary<string, long> _duplicates = new();
    private readonly Counter<long> _redriven;
    private readonly Counter<long> _duplicatesDropped;
    private long _unsent;
    private long _failing;
    private double _oldestUnsentSeconds;
    private long _lastRedrivePass;

    public MessagingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName, "1.0.0");
        meter.CreateObservableGauge("platform.outbox.unsent", () => Volatile.Read(ref _unsent), "{message}", "Outbox rows not yet published.");
        meter.CreateObservableGauge("platform.outbox.failing", () => Volatile.Read(ref _failing), "{message}",
            "Unsent outbox rows that failed by themselves (type not loaded, no queue bound) and wait their growing delay.");
        meter.CreateObservableGauge("platform.outbox.oldest_unsent.age", () => Volatile.Read(ref _oldestUnsentSeconds), "s", "Age of the oldest unsent outbox row.");
        meter.CreateObservableGauge("platform.messaging.parked", ObserveParked, "{message}",
            "Messages in a queue's _error queue: their consumer failed past its retries; re-driven once the service is healthy.");
        meter.CreateObservableGauge("platform.messaging.redriver.last_pass.age", ObserveLastRedrivePass, "s",
            "Time since the parked-message re-driver last finished a pass: growing past a few intervals means it is stuck.");
        _redriven = meter.CreateCounter<long>("platform.messaging.redriven", "{message}", "Parked messages moved back to their queue.");
        _duplicatesDropped = meter.CreateCounter<long>("platform.inbox.duplicates", "{message}",
            "Deliveries a consumer's inbox dropped: the message had already taken effect (a redelivery, a re-drive, a republish).");
    }

    public long Parked(string queue) => _parked.GetValueOrDefault(queue);

    /// <summary>Deliveries to <paramref name="consumer"/> (its type's name) that its inbox dropped since the process started.</summary>
    public long Duplicates(string consumer) => _duplicates.GetValueOrDefault(consumer);

    internal void RecordDuplicate(string consumer)
    {
        _duplicates.AddOrUpdate(consumer, 1, (_, n) => n + 1);
        _duplicatesDropped.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
    }

    internal void RecordOutbox(long unsent, long failing, double oldestSeconds)
    {
        Volatile.Write(ref _unsent, unsent);
        Volatile.Write(ref _failing, failing);
        Volatile.Write(ref _oldestUnsentSeconds, oldestSeconds);
    }

    /// <summary>Time since the re-driver last finished a pass; null before its first.</summary>
    public TimeSpan? SinceLastRedrivePass => Volatile.Read(ref _lastRedrivePass) is var last and not 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(last) : null;

    internal void RecordParked(string queue, long count) => _parked[queue] = count;

    internal void RecordRedrivePass() => Volatile.Write(ref _lastRedrivePass, System.Diagnostics.Stopwatch.GetTimestamp());

    private IEnumerable<Measurement<double>> ObserveLastRedrivePass() =>
        SinceLastRedrivePass is { } age ? [new Measurement<double>(age.TotalSeconds)] : [];

    internal void RecordRedriven(string queue, long count) => _redriven.Add(count, new KeyValuePair<string, object?>("queue", queue));

    private IEnumerable<Measurement<long>> ObserveParked() =>
        _parked.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("queue", p.Key)));
}
