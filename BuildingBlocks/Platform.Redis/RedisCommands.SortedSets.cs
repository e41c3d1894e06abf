using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

// Sorted sets.
public abstract partial class RedisCommands
{
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
}
