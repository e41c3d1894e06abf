using StackExchange.Redis;

namespace Platform.Notification.Infrastructure;

/// <summary>
/// Bounds a buyer's open notification streams across every replica (<c>Notifications:MaxStreamsPerBuyer</c>, default
/// 5): each stream holds a lease in the buyer's Redis sorted set, renewed while it runs and dropped when it ends. A
/// replica that dies leaves leases that expire after <see cref="Lifetime"/>, so a crash never locks a buyer out.
/// </summary>
public sealed class StreamLeases(IConnectionMultiplexer redis, IConfiguration configuration)
{
    /// <summary>How long a lease lives unrenewed; streams renew every <see cref="RenewEvery"/>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(45);

    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(15);

    // Redis's clock, not the replicas': one clock decides every lease
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = t[1] * 1000 + math.floor(t[2] / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    private const string RenewScript = """
        local t = redis.call('TIME')
        local now = t[1] * 1000 + math.floor(t[2] / 1000)
        if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    private int _open;

    public int MaxStreamsPerBuyer { get; } = Math.Max(1, configuration.GetValue("Notifications:MaxStreamsPerBuyer", 5));

    /// <summary>Streams one replica holds at most (<c>Notifications:MaxStreamsPerReplica</c>): each costs a connection,
    /// a subscription and a 256-event queue, so memory and sockets stay bounded however many buyers connect.</summary>
    public int MaxStreamsPerReplica { get; } = Math.Max(1, configuration.GetValue("Notifications:MaxStreamsPerReplica", 10_000));

    /// <summary>Takes one of this replica's stream slots; false when they are all in use. Give it back with <see cref="CloseLocal"/>.</summary>
    public bool TryOpenLocal()
    {
        if (Interlocked.Increment(ref _open) <= MaxStreamsPerReplica)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void CloseLocal() => Interlocked.Decrement(ref _open);

    public static RedisKey Key(string buyerId) => $"notifications:streams:{buyerId}";

    /// <summary>A lease for a new stream, or null when the buyer already has the most streams allowed.</summary>
    public async Task<string?> TryAcquireAsync(string buyerId, CancellationToken cancellationToken)
    {
        var lease = Guid.NewGuid().ToString("N");
        var granted = (int)await redis.GetDatabase().ScriptEvaluateAsync(AcquireScript, [Key(buyerId)],
            [(long)Lifetime.TotalMilliseconds, MaxStreamsPerBuyer, lease]).WaitAsync(cancellationToken);
        return granted == 1 ? lease : null;
    }

    /// <summary>Extends the lease; false when it is gone (it lapsed while Redis was away, or was removed): the stream
    /// must end then, since taking it back could exceed the buyer's cap, and the client reconnects under it.</summary>
    public async Task<bool> RenewAsync(string buyerId, string lease) =>
        (int)await redis.GetDatabase().ScriptEvaluateAsync(RenewScript, [Key(buyerId)], [(long)Lifetime.TotalMilliseconds, lease]) == 1;

    public Task ReleaseAsync(string buyerId, string lease) =>
        redis.GetDatabase().SortedSetRemoveAsync(Key(buyerId), lease);
}
