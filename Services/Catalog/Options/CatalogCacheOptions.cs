namespace Platform.Catalog.Options;

/// <summary>Section <c>Catalog:Cache</c>.</summary>
public sealed class CatalogCacheOptions
{
    public CatalogCacheMode Mode { get; set; } = CatalogCacheMode.TwoLevel;

    /// <summary>Freshness of an item in Redis.</summary>
    public TimeSpan ItemDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Freshness of an item in process memory. Bounds how long another replica can serve an old value when an
    /// invalidation could not reach it (Redis down during a write).
    /// </summary>
    public TimeSpan ItemLocalDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Freshness of a listing page (both levels).</summary>
    public TimeSpan PageDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a write waits for every replica to confirm its invalidation before returning anyway.</summary>
    public TimeSpan InvalidationAckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long past its freshness fail-safe may serve a value while PostgreSQL or Redis fails.</summary>
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Random extra lifetime of an L1 copy, so keys cached together do not expire together.</summary>
    public TimeSpan JitterMaxDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Bound of the memory level, in entries (each counts 1; a listing page counts 10).</summary>
    public long MemorySizeLimit { get; set; } = 50_000;

    /// <summary>How an item is cached, by readers and the warm-up alike.</summary>
    public FusionCacheEntryOptions ItemEntry() => Entry(ItemDuration, ItemLocalDuration, size: 1);

    /// <summary>How a listing page is cached (its memory copy lives as long as its Redis one).</summary>
    public FusionCacheEntryOptions PageEntry() => Entry(PageDuration, PageDuration, size: 10);

    private FusionCacheEntryOptions Entry(TimeSpan duration, TimeSpan memoryDuration, long size)
    {
        var entry = new FusionCacheEntryOptions(duration)
        {
            MemoryCacheDuration = memoryDuration < duration ? memoryDuration : null,
            JitterMaxDuration = JitterMaxDuration,
            Size = size,
            IsFailSafeEnabled = true,
            FailSafeMaxDuration = FailSafeMaxDuration,
            FailSafeThrottleDuration = TimeSpan.FromSeconds(5),
            // A slow database answers late, not never: after this the stale value is served and the query completes
            // in the background.
            FactorySoftTimeout = TimeSpan.FromSeconds(1),
            // Refreshed in the background shortly before it expires, so hot keys never make a reader wait.
            EagerRefreshThreshold = 0.9f,
            // A slow Redis degrades to memory and PostgreSQL instead of stalling readers.
            DistributedCacheSoftTimeout = TimeSpan.FromMilliseconds(100),
            DistributedCacheHardTimeout = TimeSpan.FromMilliseconds(500),
            // Stampede protection across instances: one computes, the others wait up to this, then compute themselves.
            DistributedLockTimeout = TimeSpan.FromSeconds(3),
            LockTimeout = TimeSpan.FromSeconds(3),
            // Writes to Redis and their backplane messages complete before the call returns (read-your-writes).
            AllowBackgroundDistributedCacheOperations = false,
            AllowBackgroundBackplaneOperations = false,
        };
        if (Mode == CatalogCacheMode.DistributedOnly)
        {
            entry.SkipMemoryCacheRead = true;
            entry.SkipMemoryCacheWrite = true;
        }

        return entry;
    }
}
