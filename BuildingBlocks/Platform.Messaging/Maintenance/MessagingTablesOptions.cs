namespace Platform.Messaging.Maintenance;

/// <summary>How long the messaging tables keep what they no longer need, and how often they are pruned.</summary>
public sealed class MessagingTablesOptions
{
    /// <summary>Sent outbox rows stay this long for inspection, then go.</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An inbox row only has to outlive the duplicates of its message: an outbox republishing after a crash
    /// (seconds) or a broker redelivery (minutes). A week is far beyond both.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows deleted per statement: short transactions, no long lock on a busy table.</summary>
    public int DeleteBatchSize { get; set; } = 5_000;
}
