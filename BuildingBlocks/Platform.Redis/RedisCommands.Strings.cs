using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

// Strings and keys.
public abstract partial class RedisCommands
{
    /// <summary>GET: the value, or <see cref="RedisValue.Null"/> when the key does not exist.</summary>
    public Task<RedisValue> GetAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.GET, key, ResultProcessors.Value, cancellationToken);

    /// <summary>
    /// SET with optional expiry (EX when whole seconds, PX otherwise) and condition (NX / XX).
    /// Returns false when the condition prevented the write.
    /// </summary>
    public Task<bool> SetAsync(RedisKey key, RedisValue value, TimeSpan? expiry = null, When when = When.Always, CancellationToken cancellationToken = default)
    {
        if (value.IsNull)
        {
            throw new ArgumentException("SET needs a value; use DelAsync to remove a key.", nameof(value));
        }

        int count = 2 + (expiry is null ? 0 : 2) + (when == When.Always ? 0 : 1);
        var writer = new CommandWriter(Commands.SET, count, value.GetByteCount());
        writer.Write(key);
        writer.Write(value);
        if (expiry is { } ttl)
        {
            if (ttl <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(expiry), "The expiry must be positive.");
            }

            if (ttl.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                writer.Write("EX");
                writer.Write((long)ttl.TotalSeconds);
            }
            else
            {
                writer.Write("PX");
                writer.Write(Math.Max(1, (long)ttl.TotalMilliseconds));
            }
        }

        if (when != When.Always)
        {
            writer.Write(when == When.NotExists ? "NX" : "XX");
        }

        return Send(ref writer, ResultProcessors.OkOrNil, cancellationToken);
    }

    /// <summary>MGET: one value per key, nil for missing keys.</summary>
    public Task<RedisValue[]> MGetAsync(ReadOnlySpan<RedisKey> keys, CancellationToken cancellationToken = default) =>
        Keys(Commands.MGET, keys, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>MSET.</summary>
    public Task<bool> MSetAsync(ReadOnlySpan<KeyValuePair<RedisKey, RedisValue>> pairs, CancellationToken cancellationToken = default)
    {
        if (pairs.IsEmpty)
        {
            throw new ArgumentException("MSET needs at least one pair.", nameof(pairs));
        }

        var writer = new CommandWriter(Commands.MSET, pairs.Length * 2);
        foreach (var pair in pairs)
        {
            writer.Write(pair.Key);
            writer.Write(pair.Value);
        }

        return Send(ref writer, ResultProcessors.OkOrNil, cancellationToken);
    }

    /// <summary>GETDEL: the value, removing the key.</summary>
    public Task<RedisValue> GetDelAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.GETDEL, key, ResultProcessors.Value, cancellationToken);

    /// <summary>INCR: the new value.</summary>
    public Task<long> IncrAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.INCR, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>INCRBY: the new value.</summary>
    public Task<long> IncrByAsync(RedisKey key, long increment, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.INCRBY, key, increment, ResultProcessors.Int64, cancellationToken);

    /// <summary>INCRBYFLOAT: the new value.</summary>
    public Task<double> IncrByFloatAsync(RedisKey key, double increment, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.INCRBYFLOAT, key, increment, ResultProcessors.Double, cancellationToken);

    /// <summary>DECR: the new value.</summary>
    public Task<long> DecrAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.DECR, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>DECRBY: the new value.</summary>
    public Task<long> DecrByAsync(RedisKey key, long decrement, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.DECRBY, key, decrement, ResultProcessors.Int64, cancellationToken);

    /// <summary>STRLEN.</summary>
    public Task<long> StrLenAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.STRLEN, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>APPEND: the new length.</summary>
    public Task<long> AppendAsync(RedisKey key, RedisValue value, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.APPEND, key, value, ResultProcessors.Int64, cancellationToken);

    /// <summary>DEL: 1 if the key was removed, 0 if it did not exist.</summary>
    public Task<long> DelAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.DEL, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>DEL: the number of keys removed.</summary>
    public Task<long> DelAsync(ReadOnlySpan<RedisKey> keys, CancellationToken cancellationToken = default) =>
        Keys(Commands.DEL, keys, ResultProcessors.Int64, cancellationToken);

    /// <summary>UNLINK: like DEL, but the memory is reclaimed in the background.</summary>
    public Task<long> UnlinkAsync(ReadOnlySpan<RedisKey> keys, CancellationToken cancellationToken = default) =>
        Keys(Commands.UNLINK, keys, ResultProcessors.Int64, cancellationToken);

    /// <summary>EXISTS: whether the key exists.</summary>
    public async Task<bool> ExistsAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        await Key(Commands.EXISTS, key, ResultProcessors.Int64, cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>EXISTS: how many of the keys exist.</summary>
    public Task<long> ExistsAsync(ReadOnlySpan<RedisKey> keys, CancellationToken cancellationToken = default) =>
        Keys(Commands.EXISTS, keys, ResultProcessors.Int64, cancellationToken);

    /// <summary>EXPIRE (whole seconds, rounded up): false if the key does not exist.</summary>
    public Task<bool> ExpireAsync(RedisKey key, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.EXPIRE, key, (long)Math.Ceiling(expiry.TotalSeconds), ResultProcessors.Boolean, cancellationToken);

    /// <summary>PEXPIRE (milliseconds): false if the key does not exist.</summary>
    public Task<bool> PExpireAsync(RedisKey key, TimeSpan expiry, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.PEXPIRE, key, (long)Math.Ceiling(expiry.TotalMilliseconds), ResultProcessors.Boolean, cancellationToken);

    /// <summary>PERSIST: false if the key does not exist or has no expiry.</summary>
    public Task<bool> PersistAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.PERSIST, key, ResultProcessors.Boolean, cancellationToken);

    /// <summary>TTL in seconds; -1 if the key has no expiry, -2 if it does not exist.</summary>
    public Task<long> TtlAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.TTL, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>PTTL in milliseconds; -1 if the key has no expiry, -2 if it does not exist.</summary>
    public Task<long> PTtlAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.PTTL, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>TYPE: <c>string</c>, <c>hash</c>, <c>list</c>, <c>set</c>, <c>zset</c>, <c>stream</c> or <c>none</c>.</summary>
    public Task<string> TypeAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.TYPE, key, ResultProcessors.String, cancellationToken);
}
