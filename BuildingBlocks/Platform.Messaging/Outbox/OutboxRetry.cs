namespace Platform.Messaging.Outbox;

/// <summary>How long a row that failed by itself waits before its next attempt: 1 s, 2 s, 4 s ... up to 5 min.</summary>
internal static class OutboxRetry
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    public static TimeSpan Delay(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Clamp(attempts - 1, 0, 16))));
}
