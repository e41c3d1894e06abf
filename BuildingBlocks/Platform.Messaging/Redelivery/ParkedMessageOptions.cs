namespace Platform.Messaging.Redelivery;

/// <summary>
/// When parked messages (in a queue's <c>_error</c> queue, after the consumer's own retries) go back to their queue:
/// only while the service is healthy, each after a delay that doubles with every re-drive, until
/// <see cref="MaxRedrives"/> re-drives failed with the service healthy (then it is the message, not an outage, and it
/// stays parked for an operator).
/// </summary>
public sealed class ParkedMessageOptions
{
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxRedrives { get; set; } = 20;

    /// <summary>How often the error queues are measured and, when the service is healthy, re-driven.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a pass may take before its connection is dropped and the next pass starts afresh.</summary>
    public TimeSpan PassTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages looked at per queue per pass: a pass stays short however many are parked.</summary>
    public int MaxPerPass { get; set; } = 1_000;

    public TimeSpan Delay(int redrives) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks * (1L << Math.Clamp(redrives, 0, 20))));
}
