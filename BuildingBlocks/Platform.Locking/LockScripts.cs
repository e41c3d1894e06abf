namespace Platform.Locking;

/// <summary>Sent with EVAL; StackExchange.Redis then runs each by its SHA1 (EVALSHA) once the server knows it.</summary>
internal static class LockScripts
{
    /// <summary>
    /// KEYS: lock, fence. ARGV: token, lease ms, fence retention ms. Returns {1, fence} or {0, remaining ms of the
    /// holder's lease}. A fence is the larger of the last fence + 1 and the server's clock in microseconds: it lives
    /// in time, and the counter only orders acquisitions within one microsecond. So a counter that Redis lost (a
    /// flush, a restart without persistence, an expiry after the retention) or rolled back (a failover to a replica
    /// that missed the last writes: replication is asynchronous) still yields a fence above every fence given, as long
    /// as the new primary's clock is ahead of the old one's at its last write: a failover takes seconds (the sentinels'
    /// down-after), far more than the skew between clocks kept by NTP. Stored with %.0f: Lua would print 1.7e+15.
    /// </summary>
    public const string Acquire = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          local now = redis.call('TIME')
          local clock = tonumber(now[1]) * 1000000 + tonumber(now[2])
          local fence = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, clock)
          redis.call('SET', KEYS[2], string.format('%.0f', fence), 'PX', ARGV[3])
          return {1, fence}
        end
        return {0, redis.call('PTTL', KEYS[1])}
        """;

    /// <summary>KEYS: lock. ARGV: token, lease ms. 1 when extended, 0 when the lock is no longer ours.</summary>
    public const string Extend = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    /// <summary>KEYS: lock. ARGV: token. 1 when released, 0 when it was not ours (expired, or taken by another holder).</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;
}
