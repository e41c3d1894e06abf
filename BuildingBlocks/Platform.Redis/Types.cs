namespace Platform.Redis;

/// <summary>Condition for SET / ZADD: always, only if the key (member) does not exist (NX), or only if it exists (XX).</summary>
public enum When
{
    Always,
    NotExists,
    Exists,
}

/// <summary>A field/value pair of a hash.</summary>
public readonly record struct HashEntry(RedisValue Name, RedisValue Value);

/// <summary>A member of a sorted set with its score.</summary>
public readonly record struct SortedSetEntry(RedisValue Member, double Score);

/// <summary>One page of a SCAN: the cursor to pass next (0 when the iteration is complete) and the keys.</summary>
public readonly record struct ScanPage(long Cursor, RedisKey[] Keys);

/// <summary>The state of a connection (interactive or pub/sub).</summary>
public enum RedisConnectionState
{
    /// <summary>Connecting (first attempt or reconnecting).</summary>
    Connecting,

    /// <summary>Connected, authenticated, ready.</summary>
    Connected,

    /// <summary>Not connected; a reconnect attempt is scheduled.</summary>
    Disconnected,

    /// <summary>Disposed; will not reconnect.</summary>
    Disposed,
}
