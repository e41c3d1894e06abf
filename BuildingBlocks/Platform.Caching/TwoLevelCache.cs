using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Redis;

namespace Platform.Caching;

/// <summary>
/// The two-level cache. The L1 hit path is a <see cref="MemoryCache"/> lookup, a clock read and (when XFetch asks
/// for it) the start of a background refresh; it never touches Redis or a serialiser. Everything else is in
/// <c>TwoLevelCache.Miss.cs</c> (single-flight, cross-instance compute lock, fail-safe) and
/// <c>TwoLevelCache.Backplane.cs</c> (L1 invalidation across instances).
/// </summary>
public sealed partial class TwoLevelCache : ITwoLevelCache, IAsyncDisposable
{
    private readonly MemoryCache _local;
    private readonly RedisConnection _connection;
    private readonly RedisCommands _redis;
    private readonly TwoLevelCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task<CacheEntry>> _flights = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly string _entryPrefix;
    private readonly string _lockPrefix;
    private readonly string _tagPrefix;
    private readonly string _channel;

    public TwoLevelCache(RedisConnection connection, IOptions<TwoLevelCacheOptions> options, TimeProvider? timeProvider = null, ILogger<TwoLevelCache>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _options = options.Value;
        _redis = connection.WithTimeout(_options.DistributedTimeout);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _local = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.LocalSizeLimit });
        _entryPrefix = _options.KeyPrefix + ":v:";
        _lockPrefix = _options.KeyPrefix + ":lock:";
        _tagPrefix = _options.KeyPrefix + ":tag:";
        _channel = _options.KeyPrefix + ":backplane";
        StartBackplane();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        CacheEntryOptions? options = null,
        IReadOnlyCollection<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(factory);
        options ??= _options.DefaultEntryOptions;
        if (_local.TryGetValue(key, out var cached) && cached is CacheEntry entry)
        {
            long now = Now;
            if (entry.IsFresh(now))
            {
                CachingDiagnostics.Hits.Add(1, CachingDiagnostics.LevelL1);
                if (options.EarlyRefreshBeta > 0 && ShouldRefreshEarly(entry, now, options.EarlyRefreshBeta) && !_flights.ContainsKey(key))
                {
                    StartOrJoinFlight(key, state, factory, options, tags, refresh: true);
                }

                return new ValueTask<T>((T)entry.Value!);
            }
        }

        return new ValueTask<T>(GetOrCreateSlowAsync(key, state, factory, options, tags, cancellationToken));
    }

    public async ValueTask SetAsync<T>(string key, T value, CacheEntryOptions? options = null, IReadOnlyCollection<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= _options.DefaultEntryOptions;
        var typeInfo = GetTypeInfo<T>();
        var entry = NewEntry(value, options, factoryMilliseconds: 0);
        SetLocal(key, entry, options);
        await WriteRemoteAsync(key, entry, typeInfo, tags, lockToken: null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        _local.Remove(key);
        await _redis.ScriptEvaluateAsync(CacheScripts.Remove, [_entryPrefix + key], [_channel, EvictMessage(0, key)], cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var removed = await _redis.ScriptEvaluateAsync(
            CacheScripts.RemoveByTag, [_tagPrefix + tag], [_entryPrefix, _channel, EvictManyPrefix], cancellationToken).ConfigureAwait(false);
        foreach (var key in removed.AsArray())
        {
            _local.Remove(key.AsString()!);
        }
    }

    /// <summary>Completes once the backplane subscription is active (useful for tests and readiness checks).</summary>
    public Task BackplaneReady => _backplaneReady.Task;

    /// <summary>Number of entries in this instance's L1.</summary>
    public long LocalCount => _local.Count;

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        await StopBackplaneAsync().ConfigureAwait(false);
        _local.Dispose();
        _disposing.Dispose();
    }

    /// <summary>XFetch (Vattani et al.): refresh early with a probability that grows as expiry nears and with the factory's cost.</summary>
    private static bool ShouldRefreshEarly(CacheEntry entry, long now, double beta)
    {
        if (entry.FactoryMilliseconds <= 0)
        {
            return false;
        }

        return now - (entry.FactoryMilliseconds * beta * Math.Log(Random.Shared.NextDouble())) >= entry.FreshUntil;
    }

    private JsonTypeInfo<T> GetTypeInfo<T>() => (JsonTypeInfo<T>)_options.SerializerOptions.GetTypeInfo(typeof(T));

    private CacheEntry NewEntry<T>(T value, CacheEntryOptions options, int factoryMilliseconds)
    {
        long now = Now;
        double jitter = options.JitterFraction > 0 ? Random.Shared.NextDouble() * Math.Min(options.JitterFraction, 0.9) : 0;
        long freshFor = Math.Max(1, (long)(options.Duration.TotalMilliseconds * (1 - jitter)));
        long freshUntil = now + freshFor;
        long staleUntil = freshUntil + (long)Math.Max(0, options.FailSafeMaxStaleness.TotalMilliseconds);
        return new CacheEntry(value, freshUntil, staleUntil, factoryMilliseconds, Random.Shared.NextInt64(1, long.MaxValue));
    }

    /// <summary>Stores in L1 with the local freshness cap; the memory entry lives until the fail-safe window closes.</summary>
    private CacheEntry SetLocal(string key, CacheEntry entry, CacheEntryOptions options)
    {
        long now = Now;
        long localFreshUntil = Math.Min(entry.FreshUntil, now + (long)(options.LocalDuration ?? options.Duration).TotalMilliseconds);
        var local = localFreshUntil == entry.FreshUntil ? entry : entry with { FreshUntil = localFreshUntil };
        _local.Set(key, local, new MemoryCacheEntryOptions
        {
            Size = options.Size,
            AbsoluteExpiration = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(entry.StaleUntil, localFreshUntil + 1)),
        });
        return local;
    }

    private CacheEntry? PeekLocal(string key) => _local.TryGetValue(key, out var cached) ? cached as CacheEntry : null;
}
