using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Platform.Catalog.Infrastructure;

/// <summary>
/// Invalidates after a committed write and returns only once every replica has dropped its copies. FusionCache
/// removes the key from Redis and tells the other replicas through its backplane, but a replica applies that message
/// whenever it gets to it; so a write also publishes the invalidation on a channel of its own, which every replica
/// handles one message at a time: it evicts its memory copies, then acknowledges. PUBLISH says how many replicas
/// must acknowledge; once all have, no replica can serve the old value.
/// </summary>
public sealed class CatalogInvalidator(IFusionCache cache, IConnectionMultiplexer redis, IOptions<CatalogCacheOptions> options, ILogger<CatalogInvalidator> logger)
    : BackgroundService
{
    internal static readonly RedisChannel InvalidationChannel = RedisChannel.Literal("catalog:invalidation");
    internal static readonly RedisChannel AckChannel = RedisChannel.Literal("catalog:invalidation:ack");
    private static readonly TimeSpan SecondPassDelay = TimeSpan.FromMilliseconds(500);

    // this replica's memory only: Redis and the backplane were done by the writer
    private static readonly FusionCacheEntryOptions MemoryOnly = new() { SkipDistributedCacheRead = true, SkipDistributedCacheWrite = true, SkipBackplaneNotifications = true };

    // fail-safe on: FusionCache's backplane then tells the other replicas to expire their copy, not to drop it
    private readonly FusionCacheEntryOptions _stockExpiry = options.Value.ItemEntry();
    private readonly ConcurrentDictionary<string, Barrier> _barriers = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when both channels are subscribed (tests wait for it).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Drops the item and every listing page it appears on, in every replica. Redis failures are logged, not thrown: the write is committed.</summary>
    public Task InvalidateAsync(int? itemId, IEnumerable<string> tags, CancellationToken cancellationToken) =>
        InvalidateAsync(itemId, tags.ToList(), stockOnly: false, cancellationToken);

    /// <summary>
    /// After a reservation or a release, which change the item's stock and nothing else: every replica's copy is
    /// expired rather than dropped, so the next read goes to the database, and while the database is away fail-safe
    /// still answers with the copy from before (its stock out of date, its price not). Dropped, the items being
    /// ordered, the busiest, would be the ones the catalog cannot serve in an outage.
    /// </summary>
    public Task InvalidateStockAsync(int itemId, CancellationToken cancellationToken) =>
        InvalidateAsync(itemId, [], stockOnly: true, cancellationToken);

    private async Task InvalidateAsync(int? itemId, List<string> tagList, bool stockOnly, CancellationToken cancellationToken)
    {
        if (options.Value.Mode == CatalogCacheMode.None)
        {
            return;
        }

        try
        {
            await EvictAsync(itemId, tagList, stockOnly, entryOptions: null, cancellationToken);
            await WaitForEveryReplicaAsync(itemId, tagList, stockOnly, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // our own memory copy is already gone; other replicas' copies expire within ItemLocalDuration, and each
            // replica drops its whole memory level when its Redis connection comes back
            logger.LogWarning("Cache invalidation after a write to item {ItemId} did not reach Redis: {Message}", itemId, ex.Message);
        }

        // a read that missed just before the commit may store the old row after our eviction: evict once more
        _ = SecondPassAsync(itemId, tagList, stockOnly);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // a replica cut off from Redis may have missed invalidations: it starts afresh from Redis and PostgreSQL
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var subscriber = redis.GetSubscriber();
                    var invalidations = await subscriber.SubscribeAsync(InvalidationChannel).WaitAsync(stoppingToken);
                    invalidations.OnMessage(OnInvalidationAsync);
                    var acks = await subscriber.SubscribeAsync(AckChannel).WaitAsync(stoppingToken);
                    acks.OnMessage(OnAck);
                    _subscribed.TrySetResult();
                    await Task.Delay(Timeout.Infinite, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    logger.LogDebug("Subscribing to the invalidation channel failed ({Message}); retrying.", ex.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private async Task EvictAsync(int? itemId, List<string> tags, bool stockOnly, FusionCacheEntryOptions? entryOptions, CancellationToken cancellationToken)
    {
        // a stock-only change expires the item (kept for fail-safe); any other removes it
        var removals = new List<Task>(2);
        if (itemId is { } id)
        {
            removals.Add(stockOnly
                ? cache.ExpireAsync(CatalogCacheKeys.Item(id), entryOptions ?? _stockExpiry, cancellationToken).AsTask()
                : cache.RemoveAsync(CatalogCacheKeys.Item(id), entryOptions, cancellationToken).AsTask());
        }

        if (tags.Count > 0)
        {
            removals.Add(cache.RemoveByTagAsync(tags, entryOptions, cancellationToken).AsTask());
        }

        await Task.WhenAll(removals);
    }

    private async Task WaitForEveryReplicaAsync(int? itemId, List<string> tags, bool stockOnly, CancellationToken cancellationToken)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var barrier = new Barrier();
        _barriers[nonce] = barrier;
        try
        {
            barrier.Expect(await redis.GetSubscriber().PublishAsync(InvalidationChannel, Format(nonce, itemId, tags, stockOnly)).WaitAsync(cancellationToken));
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

    private async Task SecondPassAsync(int? itemId, List<string> tags, bool stockOnly)
    {
        try
        {
            await Task.Delay(SecondPassDelay);
            await EvictAsync(itemId, tags, stockOnly, entryOptions: null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogDebug("Second invalidation pass failed: {Message}", ex.Message);
        }
    }

    /// <summary>One message at a time, in publish order: evict this replica's copies, then acknowledge.</summary>
    private async Task OnInvalidationAsync(ChannelMessage message)
    {
        var (nonce, itemId, tags, stockOnly) = Parse(message.Message.ToString());
        try
        {
            await EvictAsync(itemId, tags, stockOnly, MemoryOnly, CancellationToken.None);
            await redis.GetSubscriber().PublishAsync(AckChannel, nonce);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogDebug("Could not acknowledge an invalidation: {Message}", ex.Message);
        }
    }

    private void OnAck(ChannelMessage message)
    {
        if (_barriers.TryGetValue(message.Message.ToString(), out var barrier))
        {
            barrier.Acknowledge();
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        _ = cache.ClearAsync(allowFailSafe: false, MemoryOnly).AsTask();

    /// <summary>"nonce|itemId|tag,tag|stock": tags are built from ids and fixed words, without '|' or ','; the last
    /// part is "stock" for a stock-only change (a replica that does not know it drops the copy, the safe side).</summary>
    private static string Format(string nonce, int? itemId, List<string> tags, bool stockOnly) =>
        string.Create(CultureInfo.InvariantCulture, $"{nonce}|{itemId}|{string.Join(',', tags)}|{(stockOnly ? "stock" : "")}");

    private static (string Nonce, int? ItemId, List<string> Tags, bool StockOnly) Parse(string message)
    {
        var parts = message.Split('|');
        int? itemId = int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        return (parts[0], itemId, [.. parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries)], parts.Length > 3 && parts[3] == "stock");
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
