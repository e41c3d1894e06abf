namespace Platform.Messaging.Outbox;

/// <summary>An unsent outbox row as the dispatcher claimed it.</summary>
internal sealed record OutboxRow(Guid Id, string Type, string Payload, string? TraceParent, int Attempts);

/// <summary>A row that cannot be published because of what it holds (its type no longer loads, its payload does not
/// read), as opposed to the broker being away: only that row waits.</summary>
internal sealed class OutboxRowException(string message, Exception inner) : Exception(message, inner)
{
    public static T Wrap<T>(OutboxRow row, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException or NotSupportedException)
        {
            throw new OutboxRowException($"Outbox row {row.Id} ({row.Type}) cannot be read: {ex.Message}", ex);
        }
    }
}

/// <summary>How long a row that failed by itself waits before its next attempt: 1 s, 2 s, 4 s ... up to 5 min.</summary>
internal static class OutboxRetry
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    public static TimeSpan Delay(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Clamp(attempts - 1, 0, 16))));
}
