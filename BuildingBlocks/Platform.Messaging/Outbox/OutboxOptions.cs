namespace Platform.Messaging.Outbox;

public sealed class OutboxOptions
{
    /// <summary>How often the dispatcher looks for unsent rows when nothing woke it (other replicas' rows, a crash's leftovers).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;
}
