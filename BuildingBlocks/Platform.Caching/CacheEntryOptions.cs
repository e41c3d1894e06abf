namespace Platform.Caching;

/// <summary>How one entry is cached. Share instances (they are immutable); every property has a sensible default.</summary>
public sealed record CacheEntryOptions
{
    public static CacheEntryOptions Default { get; } = new();

    /// <summary>How long a value is fresh (in both levels), before jitter. Default 5 minutes.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a value is fresh in this process' memory (L1); capped by <see cref="Duration"/>. Shorter values bound
    /// staleness should a backplane message be lost. Default: <see cref="Duration"/>.
    /// </summary>
    public TimeSpan? LocalDuration { get; init; }

    /// <summary>
    /// How long after expiry a value may still be served when the factory or Redis fails (fail-safe). Zero disables.
    /// Default 1 hour.
    /// </summary>
    public TimeSpan FailSafeMaxStaleness { get; init; } = TimeSpan.FromHours(1);

    /// <summary>After serving a stale value because the factory failed, how long it is reused before the factory is tried again. Default 5 s.</summary>
    public TimeSpan FailSafeRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// XFetch's beta: values are recomputed in the background when <c>now - delta * beta * ln(rand) >= expiry</c>
    /// (delta = how long the factory took). 1 is the paper's optimum; larger refreshes earlier; 0 disables.
    /// </summary>
    public double EarlyRefreshBeta { get; init; } = 1.0;

    /// <summary>Fraction of <see cref="Duration"/> randomly removed from each entry's lifetime, so keys set together do not expire together. Default 0.1.</summary>
    public double JitterFraction { get; init; } = 0.1;

    /// <summary>Size charged against <see cref="TwoLevelCacheOptions.LocalSizeLimit"/>. Default 1.</summary>
    public long Size { get; init; } = 1;
}
