using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Platform.Redis;

namespace Platform.Catalog.Infrastructure;

/// <summary>
/// Invalidates after a committed write and returns only once every replica has dropped its copies.
/// The cache's own backplane is fire-and-forget, so a write adds a barrier: it publishes a nonce on a channel every
/// replica subscribes to through the same Redis connection as the cache's backplane. Pub/sub delivers in order and
/// each process handles messages one at a time, so a replica that acknowledges the nonce has already applied the
/// evictions published before it. PUBLISH says how many replicas must acknowledge.
/// </summary>
public sealed class CatalogInvalidator(ITwoLevelCache cache, RedisConnection redis, IOptions<CatalogCacheOptions> options, ILogger<CatalogInvalidator> logger)
    : BackgroundService
{
    internal const string BarrierChannel = "catalog:invalidation:barrier";
    internal const string AckChannel = "catalog:invalidation:ack";
    private static readonly TimeSpan SecondPassDelay = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<string, Barrier> _barriers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when both channels are subscribed (tests wait for it).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Drops the item and every listing page it appears on, in every replica. Redis failures are logged, not thrown: the write is committed.</summary>
    public async Task InvalidateAsync(int? itemId, IEnumerable<string> tags, CancellationToken cancellationToken)
    {
        if (options.Value.Mode == CatalogCacheMode.None)
        {
            return;
        }

        var tagList = tags.ToList();
        try
        {
            await RemoveAsync(itemId, tagList, cancellationToken);
            await WaitForEveryReplicaAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // our own L1 copy of the item is already gone; other replicas' copies expire within ItemLocalDuration,
            // and each replica drops its whole L1 when its Redis connection comes back
            logger.LogWarning("Cache invalidation after a write to item {ItemId} did not reach Redis: {Message}", itemId, ex.Message);
        }

        // a read that missed just before the commit may store the old row after our removal: remove once more
        _ = SecondPassAsync(itemId, tagList);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var barrierSubscription = await redis.SubscribeAsync(BarrierChannel, OnBarrier, stoppingToken);
                await using var ackSubscription = await redis.SubscribeAsync(AckChannel, OnAck, stoppingToken);
                _subscribed.TrySetResult();
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogDebug("Subscribing to the invalidation barrier failed ({Message}); retrying.", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RemoveAsync(int? itemId, List<string> tags, CancellationToken cancellationToken)
    {
        var removals = new List<Task>(tags.Count + 1);
        if (itemId is { } id)
        {
            removals.Add(cache.RemoveAsync(CatalogCacheKeys.Item(id), cancellationToken).AsTask());
        }

        removals.AddRange(tags.Select(tag => cache.RemoveByTagAsync(tag, cancellationToken).AsTask()));
        await Task.WhenAll(removals);
    }

    private async Task WaitForEveryReplicaAsync(CancellationToken cancellationToken)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var barrier = new Barrier();
        _barriers[nonce] = barrier;
        try
        {
            barrier.Expect(await redis.PublishAsync(BarrierChannel, nonce, cancellationToken));
            await barrier.Completed.WaitAsync(options.Value.InvalidationAckTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Not every catalog replica acknowledged an invalidation within {Timeout}; one may be stopping.", options.Value.InvalidationAckTimeout);
        }
        finally
        {
            _barriers.TryRemove(nonce, out _);
        }
    }

    private async Task SecondPassAsync(int? itemId, List<string> tags)
    {
        try
        {
            await Task.Delay(SecondPassDelay);
            await RemoveAsync(itemId, tags, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogDebug("Second invalidation pass failed: {Message}", ex.Message);
        }
    }

    private void OnBarrier(string channel, RedisValue nonce) => _ = AcknowledgeAsync(nonce);

    private async Task AcknowledgeAsync(RedisValue nonce)
    {
        try
        {
            await redis.PublishAsync(AckChannel, nonce);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogDebug("Could not acknowledge an invalidation barrier: {Message}", ex.Message);
        }
    }

    private void OnAck(string channel, RedisValue nonce)
    {
        if (_barriers.TryGetValue(nonce.ToString(), out var barrier))
        {
            barrier.Acknowledge();
        }
    }

    /// <summary>Counts acknowledgements, which may arrive before PUBLISH's reply tells how many to expect.</summary>
    private sealed class Barrier
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _expected = -1;
        private long _received;

        public Task Completed => _completed.Task;

        public void Expect(long count)
        {
            lock (_lock)
            {
                _expected = count;
                Check();
            }
        }

        public void Acknowledge()
        {
            lock (_lock)
            {
                _received++;
                Check();
            }
        }

        private void Check()
        {
            if (_expected >= 0 && _received >= _expected)
            {
                _completed.TrySetResult();
            }
        }
    }
}
