namespace Platform.Gateway.WaitingRoom;

/// <summary>
/// Every change to a sale is one of these scripts, so each is atomic; times come from Redis (TIME), one clock for all
/// replicas. Keys of a sale share the hash tag <c>{wr:id}</c> (one cluster slot): <c>sale</c> (hash of settings and
/// counters), <c>tickets</c> (buyer → place), <c>queue</c> (waiting buyers by place), <c>seen</c> (buyer → last poll),
/// <c>admissions</c> (buyer → "state|expires|idempotency key|admitted at"), <c>deadlines</c> (admitted buyers by the
/// end of their admission). Admission states: A admitted, C claimed by an order in flight, O ordered, X expired while
/// waiting (stopped polling), L lapsed (admitted, never ordered). Every key expires at the sale's <c>ends</c>.
/// </summary>
internal static class WaitingRoomScripts
{
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    /// <summary>KEYS: sale. ARGV: products, rate, starts (ms, 0 = now), cap, idle ms, admission ms, duration ms, most buyers.
    /// 1 created, 0 the sale exists.</summary>
    public const string Create = Now + """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local starts = tonumber(ARGV[3])
        if starts == 0 then starts = now end
        local ends = math.max(starts, now) + tonumber(ARGV[7])
        redis.call('HSET', KEYS[1], 'state', 'open', 'products', ARGV[1], 'rate', ARGV[2], 'starts', starts, 'cap', ARGV[4],
          'idle', ARGV[5], 'admission', ARGV[6], 'ends', ends, 'seq', 0, 'frontier', 0, 'admitted', 0, 'ordered', 0,
          'expired', 0, 'lapsed', 0, 'fence', 0, 'clock', starts, 'buyers', ARGV[8])
        redis.call('PEXPIREAT', KEYS[1], ends)
        return 1
        """;

    /// <summary>KEYS: sale, tickets, queue, seen, admissions. ARGV: buyer, the most buyers of a sale opened without its own.
    /// A new buyer beyond the sale's distinct buyers (its tickets, kept until the sale's keys expire) is refused.
    /// {place, 1} joined, {place, 0} already waiting or admitted; {-1} no such sale, {-2, state} not open, {-3} full.
    /// A buyer who expired or lapsed joins again at the back.</summary>
    public const string Join = Now + """
        local state = redis.call('HGET', KEYS[1], 'state')
        if not state then return {-1} end
        if state ~= 'open' then return {-2, state} end
        local place = redis.call('HGET', KEYS[2], ARGV[1])
        if place then
          local outcome = redis.call('HGET', KEYS[5], ARGV[1])
          if not outcome or (string.sub(outcome, 1, 1) ~= 'X' and string.sub(outcome, 1, 1) ~= 'L') then
            redis.call('ZADD', KEYS[4], now, ARGV[1])
            return {tonumber(place), 0}
          end
          redis.call('HDEL', KEYS[5], ARGV[1])
        end
        if not place and redis.call('HLEN', KEYS[2]) >= tonumber(redis.call('HGET', KEYS[1], 'buyers') or ARGV[2]) then return {-3} end
        place = redis.call('HINCRBY', KEYS[1], 'seq', 1)
        redis.call('HSET', KEYS[2], ARGV[1], place)
        redis.call('ZADD', KEYS[3], place, ARGV[1])
        redis.call('ZADD', KEYS[4], now, ARGV[1])
        local ends = redis.call('HGET', KEYS[1], 'ends')
        for i = 2, 5 do redis.call('PEXPIREAT', KEYS[i], ends) end
        return {place, 1}
        """;

    /// <summary>KEYS: sale, seen. ARGV: buyers who polled. Their last-seen time becomes now.</summary>
    public const string Heartbeat = Now + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        for i = 1, #ARGV do redis.call('ZADD', KEYS[2], 'XX', now, ARGV[i]) end
        return #ARGV
        """;

    /// <summary>
    /// KEYS: sale, queue, seen, admissions, deadlines. ARGV: fence, batch limit. The admitter's step: lapse admissions
    /// past their end (their slots return under the cap), then admit from the head of the queue at the sale's rate,
    /// skipping (expiring) buyers silent for longer than the idle time. The rate is a clock kept in the sale, so
    /// whichever replica admits next continues it. A fence lower than the last one seen is refused ({-2}): a replica
    /// that lost the admitter's lease cannot admit. Returns {admitted, expired, lapsed}.
    /// </summary>
    public const string Admit = Now + """
        local s = redis.call('HMGET', KEYS[1], 'state', 'rate', 'starts', 'cap', 'idle', 'admission', 'fence', 'clock', 'admitted', 'lapsed', 'ends')
        if not s[1] then return {-1} end
        if tonumber(ARGV[1]) < tonumber(s[7]) then return {-2} end
        redis.call('HSET', KEYS[1], 'fence', ARGV[1])
        local limit = tonumber(ARGV[2])
        local lapsed = 0
        local due = redis.call('ZRANGE', KEYS[5], '-inf', now, 'BYSCORE', 'LIMIT', 0, limit)
        for _, buyer in ipairs(due) do
          local a = redis.call('HGET', KEYS[4], buyer)
          if a and string.sub(a, 1, 1) == 'A' then
            redis.call('HSET', KEYS[4], buyer, 'L' .. string.sub(a, 2))
            lapsed = lapsed + 1
          end
          redis.call('ZREM', KEYS[5], buyer)
        end
        if lapsed > 0 then redis.call('HINCRBY', KEYS[1], 'lapsed', lapsed) end
        if s[1] ~= 'open' or now < tonumber(s[3]) then return {0, 0, lapsed} end
        local rate = tonumber(s[2])
        local clock = tonumber(s[8] or now)
        local allowance = math.floor((now - clock) * rate / 1000)
        local burst = math.max(1, math.floor(rate))
        if allowance > burst then
          allowance = burst
          clock = now - burst * 1000 / rate
        end
        local cap = tonumber(s[4])
        if cap > 0 then allowance = math.min(allowance, cap - (tonumber(s[9]) - tonumber(s[10]) - lapsed)) end
        allowance = math.min(allowance, limit)
        local admitted, expired, scanned = 0, 0, 0
        local idle, admission = tonumber(s[5]), tonumber(s[6])
        while admitted < allowance and scanned < limit * 4 do
          local head = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
          if #head == 0 then break end
          local buyer = head[1]
          redis.call('ZREM', KEYS[2], buyer)
          redis.call('HSET', KEYS[1], 'frontier', head[2])
          scanned = scanned + 1
          local seen = redis.call('ZSCORE', KEYS[3], buyer)
          if not seen or now - tonumber(seen) > idle then
            redis.call('HSET', KEYS[4], buyer, 'X|0||' .. now)
            expired = expired + 1
          else
            redis.call('HSET', KEYS[4], buyer, 'A|' .. (now + admission) .. '||' .. now)
            redis.call('ZADD', KEYS[5], now + admission, buyer)
            admitted = admitted + 1
          end
        end
        if admitted > 0 then redis.call('HINCRBY', KEYS[1], 'admitted', admitted) end
        if expired > 0 then redis.call('HINCRBY', KEYS[1], 'expired', expired) end
        if admitted < allowance then clock = now else clock = clock + admitted * 1000 / rate end
        redis.call('HSET', KEYS[1], 'clock', clock)
        redis.call('PEXPIREAT', KEYS[4], s[11])
        redis.call('PEXPIREAT', KEYS[5], s[11])
        return {admitted, expired, lapsed}
        """;

    /// <summary>KEYS: sale, admissions, deadlines. ARGV: buyer, idempotency key. Takes the buyer's admission for one
    /// order: 1 taken, 2 the same order again (a retry with its key); -1 no sale, -2 not admitted, -3 expired,
    /// -4 already used by another order.</summary>
    public const string Claim = Now + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        local a = redis.call('HGET', KEYS[2], ARGV[1])
        if not a then return -2 end
        local state, expires, key, at = string.match(a, '^(%a)|(%d+)|([^|]*)|(%d*)$')
        if state == 'A' then
          if now > tonumber(expires) then return -3 end
          redis.call('HSET', KEYS[2], ARGV[1], 'C|' .. expires .. '|' .. ARGV[2] .. '|' .. at)
          redis.call('ZREM', KEYS[3], ARGV[1])
          return 1
        end
        if state == 'C' or state == 'O' then
          if key == ARGV[2] then return 2 end
          return -4
        end
        return -3
        """;

    /// <summary>KEYS: sale, admissions, deadlines. ARGV: buyer, idempotency key, outcome ("ordered" or "released").
    /// After the order service answered: ordered counts the order (and closes a capped sale as sold out once all its
    /// places are ordered); released gives the admission back (the order was refused, so it was not used).</summary>
    public const string Settle = """
        local a = redis.call('HGET', KEYS[2], ARGV[1])
        if not a then return 0 end
        local state, expires, key, at = string.match(a, '^(%a)|(%d+)|([^|]*)|(%d*)$')
        if state ~= 'C' or key ~= ARGV[2] then return 0 end
        if ARGV[3] == 'ordered' then
          redis.call('HSET', KEYS[2], ARGV[1], 'O|' .. expires .. '|' .. key .. '|' .. at)
          local ordered = redis.call('HINCRBY', KEYS[1], 'ordered', 1)
          local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
          if cap > 0 and ordered >= cap and redis.call('HGET', KEYS[1], 'state') == 'open' then
            redis.call('HSET', KEYS[1], 'state', 'sold-out')
          end
        else
          redis.call('HSET', KEYS[2], ARGV[1], 'A|' .. expires .. '||' .. at)
          redis.call('ZADD', KEYS[3], expires, ARGV[1])
        end
        return 1
        """;

    /// <summary>KEYS: sale and its other keys. ARGV: how long the closed sale stays readable (ms). 1 closed, 0 no such sale.</summary>
    public const string Close = Now + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if redis.call('HGET', KEYS[1], 'state') == 'open' then redis.call('HSET', KEYS[1], 'state', 'closed') end
        local ends = math.min(tonumber(redis.call('HGET', KEYS[1], 'ends')), now + tonumber(ARGV[1]))
        redis.call('HSET', KEYS[1], 'ends', ends)
        for i = 1, #KEYS do redis.call('PEXPIREAT', KEYS[i], ends) end
        return 1
        """;
}
