using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Messaging.Redelivery;

/// <summary>The queues this process consumes from, as MassTransit reports its receive endpoints ready (the bus's own
/// temporary endpoint excluded: nothing is parked for it).</summary>
internal sealed class ReceiveQueues : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<string, byte> _queues = new();

    public IReadOnlyCollection<string> Names => [.. _queues.Keys];

    public Task Ready(ReceiveEndpointReady ready)
    {
        var address = ready.InputAddress;
        if (!address.Query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase))
        {
            _queues.TryAdd(address.AbsolutePath.Trim('/').Split('/')[^1], 0);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
