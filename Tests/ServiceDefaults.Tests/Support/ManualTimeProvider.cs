namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>
/// Real time plus an offset the test moves forward: the circuit breaker reads the clock to decide when a break is
/// over, so a test can end a break without waiting. Timers still run on real time.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Interlocked.Read(ref _offsetTicks) * (System.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    public override long TimestampFrequency => System.TimestampFrequency;
}
