using System.Text.Json.Serialization;
using ZiggyCreatures.Caching.Fusion;

namespace Platform.Catalog.Infrastructure;

/// <summary>
/// What the cache holds for one key, carrying what FusionCache cannot tell its caller: whether a read ran the factory
/// (MISS), brought the value from Redis (HIT-L2), found it in this process's memory (HIT-L1), or got a value past its
/// freshness because fail-safe served it while PostgreSQL or Redis failed (STALE). FusionCache's memory level hands
/// back the same instance on every hit, and a value from Redis or the factory is a new one, so the first read of an
/// instance learns where it came from and every later read is a memory hit.
/// </summary>
public sealed class Cached<T>
{
    private int _claimed;

    /// <summary>Set when a refresh of this value failed and fail-safe serves it instead: every read of this instance
    /// is STALE from then on (a fresh value replaces the instance). Its own freshness stamp cannot tell: a write that
    /// expires the copy (a reservation) leaves the stamp in the future.</summary>
    private volatile bool _refreshFailed;

    public T? Value { get; init; }

    /// <summary>Until when (Unix ms) the value is fresh; it travels through Redis with the value.</summary>
    public long FreshUntil { get; init; }

    /// <summary>Made by this process's factory (not read from Redis).</summary>
    [JsonIgnore]
    public bool Produced { get; private init; }

    public static Cached<T> Produce(T? value, TimeSpan freshFor) =>
        new() { Value = value, FreshUntil = DateTimeOffset.UtcNow.Add(freshFor).ToUnixTimeMilliseconds(), Produced = true };

    /// <summary>The factory's value, read by <paramref name="read"/>; when that fails and a stale copy exists, the copy
    /// that fail-safe is about to serve is marked so its reads say STALE.</summary>
    public static async Task<Cached<T>> ProduceAsync(FusionCacheFactoryExecutionContext<Cached<T>> context, Func<Task<T?>> read, TimeSpan freshFor)
    {
        try
        {
            return Produce(await read().ConfigureAwait(false), freshFor);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (context.HasStaleValue)
            {
                context.StaleValue.Value._refreshFailed = true;
            }

            throw;
        }
    }

    /// <summary>Put in memory ahead of any read (the warm-up): its first read is already a memory hit.</summary>
    public static Cached<T> Preload(T? value, TimeSpan freshFor) =>
        new() { Value = value, FreshUntil = DateTimeOffset.UtcNow.Add(freshFor).ToUnixTimeMilliseconds(), _claimed = 1 };

    /// <summary>Where this read was answered from; call once per read.</summary>
    public CacheOutcome Claim()
    {
        if (_refreshFailed || DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > FreshUntil)
        {
            return CacheOutcome.Stale;
        }

        return Interlocked.Exchange(ref _claimed, 1) != 0 ? CacheOutcome.HitL1
            : Produced ? CacheOutcome.Miss
            : CacheOutcome.HitL2;
    }
}
