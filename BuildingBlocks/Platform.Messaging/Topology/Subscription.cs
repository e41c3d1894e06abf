namespace Platform.Messaging.Topology;

/// <summary>A queue (a consumer's endpoint) that must receive every <paramref name="Event"/> published.</summary>
public sealed record Subscription(Type Event, string Queue)
{
    /// <summary>The exchange MassTransit publishes <see cref="Event"/> to: its namespace and name.</summary>
    public string Exchange => $"{Event.Namespace}:{Event.Name}";
}

/// <summary>Opens once the subscriptions are declared; the outbox publishes nothing before (an event published
/// before its consumer's queue is bound would be dropped). Open from the start when none are declared.</summary>
internal sealed class TopologyGate
{
    private readonly TaskCompletionSource _declared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TopologyGate(bool declares)
    {
        if (!declares)
        {
            _declared.SetResult();
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _declared.Task.WaitAsync(cancellationToken);

    public void Open() => _declared.TrySetResult();
}
