namespace Platform.Catalog.Infrastructure;

/// <summary>How product reads are cached. The benchmark switches modes through configuration only.</summary>
public enum CatalogCacheMode
{
    /// <summary>L1 memory in front of Redis (production).</summary>
    TwoLevel,

    /// <summary>The same cache with a zero local lifetime: every read is answered by Redis.</summary>
    DistributedOnly,

    /// <summary>No cache: every read queries PostgreSQL.</summary>
    None,
}

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

    /// <summary>
    /// The local lifetime the mode gives every entry: DistributedOnly keeps the real cache path but makes every L1 copy
    /// expire before it is stored (zero would still count as fresh within the same millisecond), so Redis answers every
    /// read; null keeps each entry's own.
    /// </summary>
    public TimeSpan? LocalDurationOverride => Mode == CatalogCacheMode.DistributedOnly ? TimeSpan.FromMilliseconds(-1) : null;

    /// <summary>How an item is cached, by readers and the warm-up alike.</summary>
    public CacheEntryOptions ItemEntry() => new() { Duration = ItemDuration, LocalDuration = LocalDurationOverride ?? ItemLocalDuration };
}

/// <summary>Where a read was answered, for the <c>X-Cache</c> response header.</summary>
public enum CacheOutcome
{
    HitL1,
    HitL2,
    Miss,
}

public static class CacheOutcomeExtensions
{
    public static string ToHeader(this CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.HitL1 => "HIT-L1",
        CacheOutcome.HitL2 => "HIT-L2",
        _ => "MISS",
    };
}
