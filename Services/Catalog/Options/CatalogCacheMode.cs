namespace Platform.Catalog.Options;

/// <summary>How product reads are cached. The benchmark switches modes through configuration only.</summary>
public enum CatalogCacheMode
{
    /// <summary>L1 memory in front of Redis (production).</summary>
    TwoLevel,

    /// <summary>The same cache without its memory level: every read is answered by Redis.</summary>
    DistributedOnly,

    /// <summary>No cache: every read queries PostgreSQL.</summary>
    None,
}
