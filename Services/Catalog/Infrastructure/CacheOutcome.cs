namespace Platform.Catalog.Infrastructure;

/// <summary>Where a read was answered, for the <c>X-Cache</c> response header.</summary>
public enum CacheOutcome
{
    HitL1,
    HitL2,
    Miss,

    /// <summary>Past its freshness: fail-safe served it because PostgreSQL or Redis failed.</summary>
    Stale,
}
