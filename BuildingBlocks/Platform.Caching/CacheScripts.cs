using Platform.Redis;

namespace Platform.Caching;

/// <summary>
/// Every write is one script so that the value, its tag index, the compute-lock release and the backplane message
/// happen in one round trip and atomically. Tag keys are derived inside the scripts: standalone Redis only.
/// </summary>
internal static class CacheScripts
{
    /// <summary>KEYS: entry, compute lock. ARGV: payload, physical ttl ms, lock token or '', channel, message, tag-key prefix, cache key, tags...</summary>
    public static readonly LuaScript Store = new("""
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        local ttl = tonumber(ARGV[2])
        for i = 8, #ARGV do
          local tagKey = ARGV[6] .. ARGV[i]
          redis.call('SADD', tagKey, ARGV[7])
          if redis.call('PTTL', tagKey) < ttl then redis.call('PEXPIRE', tagKey, ttl) end
        end
        if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return 1
        """);

    /// <summary>KEYS: entry, compute lock. ARGV: token, lock ttl ms. Returns {1 if the lock was taken else 0, value or nil}.</summary>
    public static readonly LuaScript GetOrLock = new("""
        local locked = 0
        if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then locked = 1 end
        return {locked, redis.call('GET', KEYS[1])}
        """);

    /// <summary>KEYS: entry. ARGV: channel, message.</summary>
    public static readonly LuaScript Remove = new("""
        local removed = redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return removed
        """);

    /// <summary>KEYS: tag set. ARGV: entry-key prefix, channel, message prefix. Publishes the evicted keys, newline-separated, and returns them.</summary>
    public static readonly LuaScript RemoveByTag = new("""
        local members = redis.call('SMEMBERS', KEYS[1])
        for _, member in ipairs(members) do redis.call('UNLINK', ARGV[1] .. member) end
        redis.call('DEL', KEYS[1])
        if #members > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3] .. table.concat(members, '\n')) end
        return members
        """);

    /// <summary>KEYS: lock. ARGV: token. Deletes the lock only if we still own it.</summary>
    public static readonly LuaScript ReleaseLock = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """);
}
