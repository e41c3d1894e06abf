namespace Platform.Caching;

/// <summary>
/// A cache with an in-memory level (L1, per process) in front of Redis (L2, shared), stampede protection and
/// fail-safe. Keys are plain strings (no newlines); values must be serialisable by the registered JSON contexts.
/// </summary>
public interface ITwoLevelCache
{
    /// <summary>
    /// The cached value, or the factory's result. The factory runs at most once per key per process at a time, and
    /// on a cold key once across instances (others wait up to <see cref="TwoLevelCacheOptions.ComputeWaitTimeout"/>).
    /// Pass what the factory needs as <paramref name="state"/> so that L1 hits allocate nothing.
    /// </summary>
    ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions? options = null,
        IReadOnlyCollection<string>? tags = null,
        CancellationToken cancellationToken = default);

    /// <summary>Writes a value to both levels and evicts older copies from every instance's L1.</summary>
    /// <exception cref="Platform.Redis.RedisException">Redis failed; the value is in this instance's L1 only.</exception>
    ValueTask SetAsync<T>(string key, T value, CacheEntryOptions? options = null, IReadOnlyCollection<string>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a key from both levels and from every instance's L1.</summary>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes every key written with <paramref name="tag"/>, from both levels and every instance's L1.</summary>
    ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default);
}

public static class TwoLevelCacheExtensions
{
    /// <summary>Convenience overload; the factory delegate is passed as the state, so a static lambda allocates nothing.</summary>
    public static ValueTask<T> GetOrCreateAsync<T>(
        this ITwoLevelCache cache,
        string key,
        Func<CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions? options = null,
        IReadOnlyCollection<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.GetOrCreateAsync(key, factory, static (f, ct) => f(ct), options, tags, cancellationToken);
    }
}
