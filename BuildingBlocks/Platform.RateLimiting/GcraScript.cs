namespace Platform.RateLimiting;

internal static class GcraScript
{
    /// <summary>
    /// GCRA with batch grants. KEYS: theoretical arrival time (TAT, ms). ARGV: emission interval ms, bucket depth
    /// (permits, may be fractional), permits wanted. Grants as many as fit (up to the wanted count) and returns
    /// {granted, ms until the wanted count fits} (waiting for a whole batch keeps a saturated partition from costing one call per permit). The server's clock is the only clock, so instances' clocks need
    /// not agree.
    /// </summary>
    public const string Lease = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
        local interval = tonumber(ARGV[1])
        local depth = tonumber(ARGV[2]) * interval
        local wanted = tonumber(ARGV[3])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local granted = math.floor((now + depth - tat) / interval)
        if granted > wanted then granted = wanted end
        if granted < 0 then granted = 0 end
        if granted > 0 then
          tat = tat + granted * interval
          redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now + depth) + 1000)
        end
        local retry = math.ceil(tat + wanted * interval - depth - now)
        if retry < 0 then retry = 0 end
        return {granted, retry}
        """;
}
