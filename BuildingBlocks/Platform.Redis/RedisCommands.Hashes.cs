using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

// Hashes.
public abstract partial class RedisCommands
{
    /// <summary>HSET of one field: true if the field is new.</summary>
    public Task<bool> HSetAsync(RedisKey key, RedisValue field, RedisValue value, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.HSET, 3, value.GetByteCount());
        writer.Write(key);
        writer.Write(field);
        writer.Write(value);
        return Send(ref writer, ResultProcessors.Boolean, cancellationToken);
    }

    /// <summary>HSET of several fields: the number of new fields.</summary>
    public Task<long> HSetAsync(RedisKey key, ReadOnlySpan<HashEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.IsEmpty)
        {
            throw new ArgumentException("HSET needs at least one field.", nameof(entries));
        }

        var writer = new CommandWriter(Commands.HSET, 1 + (entries.Length * 2));
        writer.Write(key);
        foreach (var entry in entries)
        {
            writer.Write(entry.Name);
            writer.Write(entry.Value);
        }

        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>HSETNX: true if the field was set (it did not exist).</summary>
    public Task<bool> HSetNxAsync(RedisKey key, RedisValue field, RedisValue value, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.HSETNX, 3, value.GetByteCount());
        writer.Write(key);
        writer.Write(field);
        writer.Write(value);
        return Send(ref writer, ResultProcessors.Boolean, cancellationToken);
    }

    /// <summary>HGET: the value, or nil.</summary>
    public Task<RedisValue> HGetAsync(RedisKey key, RedisValue field, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.HGET, key, field, ResultProcessors.Value, cancellationToken);

    /// <summary>HMGET: one value per field, nil for missing fields.</summary>
    public Task<RedisValue[]> HMGetAsync(RedisKey key, ReadOnlySpan<RedisValue> fields, CancellationToken cancellationToken = default) =>
        KeyValues(Commands.HMGET, key, fields, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>HGETALL: every field and value (empty when the key does not exist).</summary>
    public Task<HashEntry[]> HGetAllAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.HGETALL, key, ResultProcessors.HashEntries, cancellationToken);

    /// <summary>HDEL: the number of fields removed.</summary>
    public Task<long> HDelAsync(RedisKey key, params ReadOnlySpan<RedisValue> fields) =>
        KeyValues(Commands.HDEL, key, fields, ResultProcessors.Int64, CancellationToken.None);

    /// <summary>HDEL: the number of fields removed.</summary>
    public Task<long> HDelAsync(RedisKey key, ReadOnlySpan<RedisValue> fields, CancellationToken cancellationToken) =>
        KeyValues(Commands.HDEL, key, fields, ResultProcessors.Int64, cancellationToken);

    /// <summary>HEXISTS.</summary>
    public Task<bool> HExistsAsync(RedisKey key, RedisValue field, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.HEXISTS, key, field, ResultProcessors.Boolean, cancellationToken);

    /// <summary>HINCRBY: the new value.</summary>
    public Task<long> HIncrByAsync(RedisKey key, RedisValue field, long increment, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.HINCRBY, 3);
        writer.Write(key);
        writer.Write(field);
        writer.Write(increment);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>HINCRBYFLOAT: the new value.</summary>
    public Task<double> HIncrByFloatAsync(RedisKey key, RedisValue field, double increment, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.HINCRBYFLOAT, 3);
        writer.Write(key);
        writer.Write(field);
        writer.Write(increment);
        return Send(ref writer, ResultProcessors.Double, cancellationToken);
    }

    /// <summary>HLEN.</summary>
    public Task<long> HLenAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.HLEN, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>HKEYS.</summary>
    public Task<RedisValue[]> HKeysAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.HKEYS, key, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>HVALS.</summary>
    public Task<RedisValue[]> HValsAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.HVALS, key, ResultProcessors.ValueArray, cancellationToken);
}
