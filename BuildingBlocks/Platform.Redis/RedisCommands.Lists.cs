using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

// Lists and sets.
public abstract partial class RedisCommands
{
    /// <summary>LPUSH: the new length.</summary>
    public Task<long> LPushAsync(RedisKey key, params ReadOnlySpan<RedisValue> values) =>
        KeyValues(Commands.LPUSH, key, values, ResultProcessors.Int64, CancellationToken.None);

    /// <summary>LPUSH: the new length.</summary>
    public Task<long> LPushAsync(RedisKey key, ReadOnlySpan<RedisValue> values, CancellationToken cancellationToken) =>
        KeyValues(Commands.LPUSH, key, values, ResultProcessors.Int64, cancellationToken);

    /// <summary>RPUSH: the new length.</summary>
    public Task<long> RPushAsync(RedisKey key, params ReadOnlySpan<RedisValue> values) =>
        KeyValues(Commands.RPUSH, key, values, ResultProcessors.Int64, CancellationToken.None);

    /// <summary>RPUSH: the new length.</summary>
    public Task<long> RPushAsync(RedisKey key, ReadOnlySpan<RedisValue> values, CancellationToken cancellationToken) =>
        KeyValues(Commands.RPUSH, key, values, ResultProcessors.Int64, cancellationToken);

    /// <summary>LPOP: the first element, or nil.</summary>
    public Task<RedisValue> LPopAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.LPOP, key, ResultProcessors.Value, cancellationToken);

    /// <summary>RPOP: the last element, or nil.</summary>
    public Task<RedisValue> RPopAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.RPOP, key, ResultProcessors.Value, cancellationToken);

    /// <summary>LRANGE (inclusive; negative indexes count from the end).</summary>
    public Task<RedisValue[]> LRangeAsync(RedisKey key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        KeyRange(Commands.LRANGE, key, start, stop, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>LLEN.</summary>
    public Task<long> LLenAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.LLEN, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>LTRIM: keeps elements start..stop (inclusive).</summary>
    public Task<bool> LTrimAsync(RedisKey key, long start, long stop, CancellationToken cancellationToken = default) =>
        KeyRange(Commands.LTRIM, key, start, stop, ResultProcessors.OkOrNil, cancellationToken);

    /// <summary>LINDEX: the element, or nil.</summary>
    public Task<RedisValue> LIndexAsync(RedisKey key, long index, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.LINDEX, key, index, ResultProcessors.Value, cancellationToken);

    /// <summary>LSET.</summary>
    public Task<bool> LSetAsync(RedisKey key, long index, RedisValue value, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.LSET, 3, value.GetByteCount());
        writer.Write(key);
        writer.Write(index);
        writer.Write(value);
        return Send(ref writer, ResultProcessors.OkOrNil, cancellationToken);
    }

    /// <summary>LREM: removes up to |count| occurrences (count &gt; 0 from the head, &lt; 0 from the tail, 0 all).</summary>
    public Task<long> LRemAsync(RedisKey key, long count, RedisValue value, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.LREM, 3, value.GetByteCount());
        writer.Write(key);
        writer.Write(count);
        writer.Write(value);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    private Task<T> KeyRange<T>(CommandName command, RedisKey key, long start, long stop, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        var writer = new CommandWriter(command, 3);
        writer.Write(key);
        writer.Write(start);
        writer.Write(stop);
        return Send(ref writer, processor, cancellationToken);
    }

    /// <summary>SADD: the number of members added.</summary>
    public Task<long> SAddAsync(RedisKey key, params ReadOnlySpan<RedisValue> members) =>
        KeyValues(Commands.SADD, key, members, ResultProcessors.Int64, CancellationToken.None);

    /// <summary>SADD: the number of members added.</summary>
    public Task<long> SAddAsync(RedisKey key, ReadOnlySpan<RedisValue> members, CancellationToken cancellationToken) =>
        KeyValues(Commands.SADD, key, members, ResultProcessors.Int64, cancellationToken);

    /// <summary>SREM: the number of members removed.</summary>
    public Task<long> SRemAsync(RedisKey key, params ReadOnlySpan<RedisValue> members) =>
        KeyValues(Commands.SREM, key, members, ResultProcessors.Int64, CancellationToken.None);

    /// <summary>SREM: the number of members removed.</summary>
    public Task<long> SRemAsync(RedisKey key, ReadOnlySpan<RedisValue> members, CancellationToken cancellationToken) =>
        KeyValues(Commands.SREM, key, members, ResultProcessors.Int64, cancellationToken);

    /// <summary>SMEMBERS.</summary>
    public Task<RedisValue[]> SMembersAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.SMEMBERS, key, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>SISMEMBER.</summary>
    public Task<bool> SIsMemberAsync(RedisKey key, RedisValue member, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.SISMEMBER, key, member, ResultProcessors.Boolean, cancellationToken);

    /// <summary>SCARD.</summary>
    public Task<long> SCardAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.SCARD, key, ResultProcessors.Int64, cancellationToken);
}
