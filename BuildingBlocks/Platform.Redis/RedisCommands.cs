using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

/// <summary>
/// The typed commands, shared by <see cref="RedisConnection"/> (commands are sent at once, pipelined with other
/// callers'), <see cref="RedisBatch"/> (sent together on <see cref="RedisBatch.ExecuteAsync"/>) and the view returned
/// by <see cref="RedisConnection.WithTimeout"/>. Method names are the Redis command names. Every method encodes its
/// arguments before returning, so argument buffers may be reused immediately.
/// </summary>
/// <remarks>
/// Each command completes with the server's reply, or fails with <see cref="RedisServerException"/> (error reply,
/// server's message), <see cref="RedisTimeoutException"/> (no reply within the timeout),
/// <see cref="RedisConnectionException"/> (connection lost while in flight, or none available), or
/// <see cref="OperationCanceledException"/> (the token was cancelled; if the command had already been written its
/// reply is read and discarded, so later replies stay matched).
/// </remarks>
public abstract class RedisCommands
{
    private static readonly ConcurrentDictionary<string, CommandName> AdHocCommands = new(StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> RejectedCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        // would turn the shared connection into a subscriber or monitor
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR",
        // change per-connection state under every other caller's feet
        "SELECT", "QUIT", "RESET", "AUTH", "HELLO", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH",
        // block the connection, and so every other caller
        "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
    };

    private protected RedisCommands(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "The command timeout must be positive.");
        }

        TimeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Stopwatch ticks each command created here may take.</summary>
    private protected long TimeoutTicks { get; }

    /// <summary>The command timeout applied by this instance.</summary>
    public TimeSpan Timeout => TimeSpan.FromSeconds((double)TimeoutTicks / Stopwatch.Frequency);

    internal abstract Task<T> Submit<T>(Message<T> message, CancellationToken cancellationToken);

    /// <summary>Where a NOSCRIPT fallback is sent (a batch sends it straight to the connection).</summary>
    private protected virtual RedisCommands ScriptFallbackTarget => this;

    private Task<T> Send<T>(ref CommandWriter writer, ResultProcessor<T> processor, CancellationToken cancellationToken) =>
        Submit(writer.ToMessage(processor, TimeoutTicks), cancellationToken);

    private Task<T> Key<T>(CommandName command, RedisKey key, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        var writer = new CommandWriter(command, 1);
        writer.Write(key);
        return Send(ref writer, processor, cancellationToken);
    }

    private Task<T> KeyValue<T>(CommandName command, RedisKey key, in RedisValue value, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        var writer = new CommandWriter(command, 2, value.GetByteCount());
        writer.Write(key);
        writer.Write(value);
        return Send(ref writer, processor, cancellationToken);
    }

    private Task<T> KeyValues<T>(CommandName command, RedisKey key, ReadOnlySpan<RedisValue> values, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException($"{command} needs at least one value.", nameof(values));
        }

        var writer = new CommandWriter(command, 1 + values.Length);
        writer.Write(key);
        foreach (var value in values)
        {
            writer.Write(value);
        }

        return Send(ref writer, processor, cancellationToken);
    }

    private Task<T> Keys<T>(CommandName command, ReadOnlySpan<RedisKey> keys, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        if (keys.IsEmpty)
        {
            throw new ArgumentException($"{command} needs at least one key.", nameof(keys));
        }

        var writer = new CommandWriter(command, keys.Length);
        foreach (var key in keys)
        {
            writer.Write(key);
        }

        return Send(ref writer, processor, cancellationToken);
    }

    // ---------------------------------------------------------------- generic

    /// <summary>
    /// Sends any command, e.g. <c>ExecuteAsync("OBJECT", "ENCODING", "key")</c>, and returns the raw reply.
    /// Commands that would break the shared connection (SUBSCRIBE, MONITOR, SELECT, MULTI/EXEC, blocking pops, ...)
    /// are rejected with <see cref="ArgumentException"/>.
    /// </summary>
    public Task<RedisResult> ExecuteAsync(string command, params ReadOnlySpan<RedisValue> args) =>
        ExecuteAsync(command, args, CancellationToken.None);

    /// <inheritdoc cref="ExecuteAsync(string, ReadOnlySpan{RedisValue})"/>
    public Task<RedisResult> ExecuteAsync(string command, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (RejectedCommands.Contains(command)
            || (args.Length > 0 && command.Equals("CLIENT", StringComparison.OrdinalIgnoreCase) && args[0].ToString().Equals("REPLY", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"{command.ToUpperInvariant()} cannot be sent on a multiplexed connection (use SubscribeAsync for pub/sub, the defaultDatabase option instead of SELECT).",
                nameof(command));
        }

        var name = AdHocCommands.Count < 1024
            ? AdHocCommands.GetOrAdd(command, static c => new CommandName(c.ToUpperInvariant()))
            : AdHocCommands.TryGetValue(command, out var cached) ? cached : new CommandName(command.ToUpperInvariant());
        var writer = new CommandWriter(name, args.Length);
        foreach (var arg in args)
        {
            writer.Write(arg);
        }

        return Send(ref writer, ResultProcessors.Result, cancellationToken);
    }

    // ---------------------------------------------------------------- strings and keys

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

    // ---------------------------------------------------------------- hashes

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

    // ---------------------------------------------------------------- lists

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

    // ---------------------------------------------------------------- sets

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

    // ---------------------------------------------------------------- sorted sets

    /// <summary>ZADD of one member: true if it was added (false if only its score changed or the condition failed).</summary>
    public async Task<bool> ZAddAsync(RedisKey key, RedisValue member, double score, When when = When.Always, CancellationToken cancellationToken = default) =>
        await ZAddAsync(key, [new SortedSetEntry(member, score)], when, cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>ZADD of several members (NX / XX with <paramref name="when"/>): the number of members added.</summary>
    public Task<long> ZAddAsync(RedisKey key, ReadOnlySpan<SortedSetEntry> entries, When when = When.Always, CancellationToken cancellationToken = default)
    {
        if (entries.IsEmpty)
        {
            throw new ArgumentException("ZADD needs at least one member.", nameof(entries));
        }

        var writer = new CommandWriter(Commands.ZADD, 1 + (when == When.Always ? 0 : 1) + (entries.Length * 2));
        writer.Write(key);
        if (when != When.Always)
        {
            writer.Write(when == When.NotExists ? "NX" : "XX");
        }

        foreach (var entry in entries)
        {
            writer.Write(entry.Score);
            writer.Write(entry.Member);
        }

        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>ZINCRBY: the member's new score.</summary>
    public Task<double> ZIncrByAsync(RedisKey key, RedisValue member, double increment, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.ZINCRBY, 3);
        writer.Write(key);
        writer.Write(increment);
        writer.Write(member);
        return Send(ref writer, ResultProcessors.Double, cancellationToken);
    }

    /// <summary>ZSCORE: the score, or null if the member does not exist.</summary>
    public Task<double?> ZScoreAsync(RedisKey key, RedisValue member, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.ZSCORE, key, member, ResultProcessors.NullableDouble, cancellationToken);

    /// <summary>ZRANK (ascending, 0-based): null if the member does not exist.</summary>
    public Task<long?> ZRankAsync(RedisKey key, RedisValue member, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.ZRANK, key, member, ResultProcessors.NullableInt64, cancellationToken);

    /// <summary>ZREVRANK (descending, 0-based): null if the member does not exist.</summary>
    public Task<long?> ZRevRankAsync(RedisKey key, RedisValue member, CancellationToken cancellationToken = default) =>
        KeyValue(Commands.ZREVRANK, key, member, ResultProcessors.NullableInt64, cancellationToken);

    /// <summary>ZRANGE by rank, ascending (inclusive; negative indexes count from the end).</summary>
    public Task<RedisValue[]> ZRangeAsync(RedisKey key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        KeyRange(Commands.ZRANGE, key, start, stop, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>ZRANGE ... WITHSCORES, ascending.</summary>
    public Task<SortedSetEntry[]> ZRangeWithScoresAsync(RedisKey key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        RangeWithScores(Commands.ZRANGE, key, start, stop, cancellationToken);

    /// <summary>ZREVRANGE by rank, descending (highest score first).</summary>
    public Task<RedisValue[]> ZRevRangeAsync(RedisKey key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        KeyRange(Commands.ZREVRANGE, key, start, stop, ResultProcessors.ValueArray, cancellationToken);

    /// <summary>ZREVRANGE ... WITHSCORES: members with scores, highest first (leaderboards).</summary>
    public Task<SortedSetEntry[]> ZRevRangeWithScoresAsync(RedisKey key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        RangeWithScores(Commands.ZREVRANGE, key, start, stop, cancellationToken);

    private Task<SortedSetEntry[]> RangeWithScores(CommandName command, RedisKey key, long start, long stop, CancellationToken cancellationToken)
    {
        var writer = new CommandWriter(command, 4);
        writer.Write(key);
        writer.Write(start);
        writer.Write(stop);
        writer.Write("WITHSCORES");
        return Send(ref writer, ResultProcessors.SortedSetEntries, cancellationToken);
    }

    /// <summary>ZREM: the number of members removed.</summary>
    public Task<long> ZRemAsync(RedisKey key, params ReadOnlySpan<RedisValue> members) =>
        KeyValues(Commands.ZREM, key, members, ResultProcessors.Int64, CancellationToken.None);

    /// <summary>ZREM: the number of members removed.</summary>
    public Task<long> ZRemAsync(RedisKey key, ReadOnlySpan<RedisValue> members, CancellationToken cancellationToken) =>
        KeyValues(Commands.ZREM, key, members, ResultProcessors.Int64, cancellationToken);

    /// <summary>ZCARD.</summary>
    public Task<long> ZCardAsync(RedisKey key, CancellationToken cancellationToken = default) =>
        Key(Commands.ZCARD, key, ResultProcessors.Int64, cancellationToken);

    /// <summary>ZCOUNT: members with min &lt;= score &lt;= max.</summary>
    public Task<long> ZCountAsync(RedisKey key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.ZCOUNT, 3);
        writer.Write(key);
        writer.Write(min);
        writer.Write(max);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>ZREMRANGEBYRANK (ascending ranks, inclusive): the number of members removed. E.g. (0, -101) keeps the top 100.</summary>
    public Task<long> ZRemRangeByRankAsync(RedisKey key, long start, long stop, CancellationToken cancellationToken = default) =>
        KeyRange(Commands.ZREMRANGEBYRANK, key, start, stop, ResultProcessors.Int64, cancellationToken);

    // ---------------------------------------------------------------- pub/sub, server

    /// <summary>PUBLISH: the number of clients that received the message.</summary>
    public Task<long> PublishAsync(string channel, RedisValue message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var writer = new CommandWriter(Commands.PUBLISH, 2, message.GetByteCount());
        writer.Write(channel);
        writer.Write(message);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>PING: the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        var writer = new CommandWriter(Commands.PING, 0);
        await Send(ref writer, ResultProcessors.Any, cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>ECHO.</summary>
    public Task<RedisValue> EchoAsync(RedisValue message, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.ECHO, 1, message.GetByteCount());
        writer.Write(message);
        return Send(ref writer, ResultProcessors.Value, cancellationToken);
    }

    /// <summary>INFO [section]: the raw text (<c>field:value</c> lines under <c># Section</c> headers).</summary>
    public Task<string> InfoAsync(string? section = null, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.INFO, section is null ? 0 : 1);
        if (section is not null)
        {
            writer.Write(section);
        }

        return Send(ref writer, ResultProcessors.String, cancellationToken);
    }

    /// <summary>DBSIZE: the number of keys in the selected database.</summary>
    public Task<long> DbSizeAsync(CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.DBSIZE, 0);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>One SCAN step: pass 0 first, then the returned cursor until it is 0 again.</summary>
    public Task<ScanPage> ScanAsync(long cursor, string? pattern = null, int count = 0, string? type = null, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.SCAN, 1 + (pattern is null ? 0 : 2) + (count > 0 ? 2 : 0) + (type is null ? 0 : 2));
        writer.Write(cursor);
        if (pattern is not null)
        {
            writer.Write("MATCH");
            writer.Write(pattern);
        }

        if (count > 0)
        {
            writer.Write("COUNT");
            writer.Write(count);
        }

        if (type is not null)
        {
            writer.Write("TYPE");
            writer.Write(type);
        }

        return Send(ref writer, ResultProcessors.Scan, cancellationToken);
    }

    /// <summary>
    /// Every key matching <paramref name="pattern"/>, by iterating SCAN (<paramref name="pageSize"/> is its COUNT hint).
    /// SCAN's guarantees apply: a key present for the whole iteration is returned at least once (possibly more).
    /// </summary>
    public async IAsyncEnumerable<RedisKey> ScanKeysAsync(string? pattern = null, int pageSize = 250, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long cursor = 0;
        do
        {
            var page = await ScanAsync(cursor, pattern, pageSize, null, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
            {
                yield return key;
            }

            cursor = page.Cursor;
        }
        while (cursor != 0);
    }

    // ---------------------------------------------------------------- scripts

    /// <summary>
    /// Runs a script with EVALSHA; if the server does not have it (NOSCRIPT, e.g. after a restart or SCRIPT FLUSH)
    /// the same call transparently retries with EVAL, which also caches it on the server.
    /// </summary>
    public async Task<RedisResult> ScriptEvaluateAsync(LuaScript script, RedisKey[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        try
        {
            return await Eval(this, Commands.EVALSHA, script.Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "NOSCRIPT")
        {
            return await Eval(ScriptFallbackTarget, Commands.EVAL, script.Script, keys, args, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>EVAL of a script text (prefer <see cref="ScriptEvaluateAsync"/>, which sends only the SHA1).</summary>
    public Task<RedisResult> EvalAsync(string script, RedisKey[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default) =>
        Eval(this, Commands.EVAL, script, keys, args, cancellationToken);

    /// <summary>SCRIPT LOAD: the SHA1 the server computed.</summary>
    public Task<string> ScriptLoadAsync(LuaScript script, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.SCRIPT, 2);
        writer.Write("LOAD");
        writer.Write(script.Script);
        return Send(ref writer, ResultProcessors.String, cancellationToken);
    }

    private static Task<RedisResult> Eval(RedisCommands target, CommandName command, string scriptOrSha, RedisKey[]? keys, RedisValue[]? args, CancellationToken cancellationToken)
    {
        keys ??= [];
        args ??= [];
        var writer = new CommandWriter(command, 2 + keys.Length + args.Length);
        writer.Write(scriptOrSha);
        writer.Write(keys.Length);
        foreach (var key in keys)
        {
            writer.Write(key);
        }

        foreach (var arg in args)
        {
            writer.Write(arg);
        }

        return target.Submit(writer.ToMessage(ResultProcessors.Result, target.TimeoutTicks), cancellationToken);
    }
}
