using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Orchestration;

/// <summary>Holds the latest snapshot of every resource instance and tells watchers about each change.</summary>
public sealed class ResourceNotificationService(ILogger<ResourceNotificationService> logger)
{
    private readonly ConcurrentDictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];

    public IReadOnlyList<ResourceSnapshot> Snapshots => [.. _snapshots.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    public IEnumerable<ResourceSnapshot> InstancesOf(string resourceName) =>
        _snapshots.Values.Where(s => string.Equals(s.ResourceName, resourceName, StringComparison.OrdinalIgnoreCase));

    public void Publish(ResourceSnapshot snapshot)
    {
        var previous = _snapshots.GetValueOrDefault(snapshot.Name);
        _snapshots[snapshot.Name] = snapshot;
        if (previous is not null && (previous.State != snapshot.State || previous.Health != snapshot.Health))
        {
            logger.LogDebug("{Resource}: {State} ({Health})", snapshot.Name, snapshot.State, snapshot.Health);
        }

        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(snapshot);
            }
        }
    }

    public void Update(string instanceName, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        lock (_gate)
        {
            if (_snapshots.TryGetValue(instanceName, out var current))
            {
                Publish(change(current));
            }
        }
    }

    /// <summary>Current snapshots first, then every change, until cancelled.</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<ResourceSnapshot>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            foreach (var snapshot in _snapshots.Values)
            {
                channel.Writer.TryWrite(snapshot);
            }

            _watchers.Add(channel);
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <summary>Completes when every instance of the resource satisfies the predicate.</summary>
    public async Task WaitForResourceAsync(string resourceName, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken = default)
    {
        await foreach (var _ in WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            var instances = InstancesOf(resourceName).ToList();
            if (instances.Count > 0 && instances.All(predicate))
            {
                return;
            }
        }
    }

    public Task WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, s => s.IsHealthy, cancellationToken);

    public Task WaitForResourceStateAsync(string resourceName, string state, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(resourceName, s => s.State == state, cancellationToken);
}
