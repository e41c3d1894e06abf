namespace Platform.Messaging.Topology;

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
