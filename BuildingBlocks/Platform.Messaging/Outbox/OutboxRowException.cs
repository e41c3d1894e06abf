namespace Platform.Messaging.Outbox;

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
