namespace Platform.Locking;

/// <summary>Sent with EVAL; StackExchange.Redis then runs each by its SHA1 (EVALSHA) once the server knows it.</summary>
internal static class LockScripts
{
    /// <summary>
    /// KEYS: lock, fence. ARGV: token, lease ms, fence retention ms. Returns {1, fence} or {0, remaining ms of the
    /// holder's lease}. A missing fence counter starts from the server's clock in microseconds, so fences keep growing
    /// even when Redis loses the counter (restart without persistence, failover to a lagging replica), and so the
    /// counter can expire: a resource unused for the retention leaves no key behind (one lock per order would
    /// otherwise keep one counter per order forever).
    /// </summary>
    public const string Acquire = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          if redis.call('EXISTS', KEYS[2]) == 0 then
            local now = redis.call('TIME')
            redis.call('SET', KEYS[2], now[1] .. string.format('%06d', tonumber(now[2])))
          end
          local fence = redis.call('INCR', KEYS[2])
          redis.call('PEXPIRE', KEYS[2], ARGV[3])
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
