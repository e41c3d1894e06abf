using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Caching;

/// <summary>Options of a <see cref="TwoLevelCache"/> (one per DI container).</summary>
public sealed class TwoLevelCacheOptions
{
    /// <summary>Prefix of every Redis key and of the backplane channel; caches sharing data must use the same one. Default "cache".</summary>
    public string KeyPrefix { get; set; } = "cache";

    /// <summary>Bound of the in-memory level, in units of <see cref="CacheEntryOptions.Size"/>. Default 10,000.</summary>
    public long LocalSizeLimit { get; set; } = 10_000;

    /// <summary>Used when a call passes no options.</summary>
    public CacheEntryOptions DefaultEntryOptions { get; set; } = CacheEntryOptions.Default;

    /// <summary>Timeout of each Redis command the cache sends; a slow Redis degrades to the local level instead of stalling readers. Default 500 ms.</summary>
    public TimeSpan DistributedTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one instance holds the right to compute a missing key; should exceed the slowest factory. Default 10 s.</summary>
    public TimeSpan ComputeLockTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long other instances wait for that computation before computing themselves. Default 3 s.</summary>
    public TimeSpan ComputeWaitTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a waiting instance looks for the value in Redis. Default 20 ms.</summary>
    public TimeSpan ComputePollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Serialisation of the Redis level. Register source-generated contexts with <see cref="AddJsonContext"/>;
    /// a type no context knows fails with <see cref="NotSupportedException"/>.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Adds a source-generated <see cref="JsonSerializerContext"/> for the cached types.</summary>
    public TwoLevelCacheOptions AddJsonContext(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SerializerOptions.TypeInfoResolverChain.Add(context);
        return this;
    }
}
