namespace Platform.Idempotency;

/// <summary>A record is a hash: state (running | done), hash (of the request), owner, status, headers, body.</summary>
internal static class IdempotencyScripts
{
    /// <summary>KEYS: record. ARGV: request hash, owner, in-flight ttl ms. {'started'} when we own it now, else HMGET state hash status headers body.</summary>
    public const string Begin = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'state', 'running', 'hash', ARGV[1], 'owner', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          return {'started'}
        end
        return redis.call('HMGET', KEYS[1], 'state', 'hash', 'status', 'headers', 'body')
        """;

    /// <summary>KEYS: record. ARGV: owner, status, headers, body, retention ms. 0 when the record is no longer ours.</summary>
    public const string Complete = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'headers', ARGV[3], 'body', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return 1
        """;

    /// <summary>KEYS: record. ARGV: owner. Frees the key after a failure so the client's retry runs.</summary>
    public const string Abandon = """
        if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;
}
