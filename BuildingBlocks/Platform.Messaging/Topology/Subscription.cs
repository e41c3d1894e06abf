namespace Platform.Messaging.Topology;

/// <summary>A queue (a consumer's endpoint) that must receive every <paramref name="Event"/> published.</summary>
public sealed record Subscription(Type Event, string Queue)
{
    /// <summary>The exchange MassTransit publishes <see cref="Event"/> to: its namespace and name.</summary>
    public string Exchange => $"{Event.Namespace}:{Event.Name}";
}
