namespace Platform.Redis.Protocol;

/// <summary>Pre-encoded names of the commands the typed API sends.</summary>
internal static class Commands
{
    public static readonly CommandName GET = new("GET");

    public static readonly CommandName SET = new("SET");

    public static readonly CommandName MGET = new("MGET");

    public static readonly CommandName MSET = new("MSET");

    public static readonly CommandName INCR = new("INCR");

    public static readonly CommandName INCRBY = new("INCRBY");

    public static readonly CommandName INCRBYFLOAT = new("INCRBYFLOAT");

    public static readonly CommandName DECR = new("DECR");

    public static readonly CommandName DECRBY = new("DECRBY");

    public static readonly CommandName DEL = new("DEL");

    public static readonly CommandName EXISTS = new("EXISTS");

    public static readonly CommandName EXPIRE = new("EXPIRE");

    public static readonly CommandName PEXPIRE = new("PEXPIRE");

    public static readonly CommandName TTL = new("TTL");

    public static readonly CommandName PTTL = new("PTTL");

    public static readonly CommandName PERSIST = new("PERSIST");

    public static readonly CommandName TYPE = new("TYPE");

    public static readonly CommandName GETDEL = new("GETDEL");

    public static readonly CommandName STRLEN = new("STRLEN");

    public static readonly CommandName APPEND = new("APPEND");

    public static readonly CommandName UNLINK = new("UNLINK");

    public static readonly CommandName HSET = new("HSET");

    public static readonly CommandName HGET = new("HGET");

    public static readonly CommandName HMGET = new("HMGET");

    public static readonly CommandName HGETALL = new("HGETALL");

    public static readonly CommandName HDEL = new("HDEL");

    public static readonly CommandName HEXISTS = new("HEXISTS");

    public static readonly CommandName HINCRBY = new("HINCRBY");

    public static readonly CommandName HINCRBYFLOAT = new("HINCRBYFLOAT");

    public static readonly CommandName HLEN = new("HLEN");

    public static readonly CommandName HKEYS = new("HKEYS");

    public static readonly CommandName HVALS = new("HVALS");

    public static readonly CommandName HSETNX = new("HSETNX");

    public static readonly CommandName LPUSH = new("LPUSH");

    public static readonly CommandName RPUSH = new("RPUSH");

    public static readonly CommandName LPOP = new("LPOP");

    public static readonly CommandName RPOP = new("RPOP");

    public static readonly CommandName LRANGE = new("LRANGE");

    public static readonly CommandName LLEN = new("LLEN");

    public static readonly CommandName LTRIM = new("LTRIM");

    public static readonly CommandName LINDEX = new("LINDEX");

    public static readonly CommandName LREM = new("LREM");

    public static readonly CommandName LSET = new("LSET");

    public static readonly CommandName SADD = new("SADD");

    public static readonly CommandName SREM = new("SREM");

    public static readonly CommandName SMEMBERS = new("SMEMBERS");

    public static readonly CommandName SISMEMBER = new("SISMEMBER");

    public static readonly CommandName SCARD = new("SCARD");

    public static readonly CommandName ZADD = new("ZADD");

    public static readonly CommandName ZINCRBY = new("ZINCRBY");

    public static readonly CommandName ZSCORE = new("ZSCORE");

    public static readonly CommandName ZRANK = new("ZRANK");

    public static readonly CommandName ZREVRANK = new("ZREVRANK");

    public static readonly CommandName ZRANGE = new("ZRANGE");

    public static readonly CommandName ZREVRANGE = new("ZREVRANGE");

    public static readonly CommandName ZREM = new("ZREM");

    public static readonly CommandName ZCARD = new("ZCARD");

    public static readonly CommandName ZREMRANGEBYRANK = new("ZREMRANGEBYRANK");

    public static readonly CommandName ZCOUNT = new("ZCOUNT");

    public static readonly CommandName PUBLISH = new("PUBLISH");

    public static readonly CommandName SUBSCRIBE = new("SUBSCRIBE");

    public static readonly CommandName UNSUBSCRIBE = new("UNSUBSCRIBE");

    public static readonly CommandName PSUBSCRIBE = new("PSUBSCRIBE");

    public static readonly CommandName PUNSUBSCRIBE = new("PUNSUBSCRIBE");

    public static readonly CommandName SCAN = new("SCAN");

    public static readonly CommandName INFO = new("INFO");

    public static readonly CommandName PING = new("PING");

    public static readonly CommandName DBSIZE = new("DBSIZE");

    public static readonly CommandName ECHO = new("ECHO");

    public static readonly CommandName EVAL = new("EVAL");

    public static readonly CommandName EVALSHA = new("EVALSHA");

    public static readonly CommandName SCRIPT = new("SCRIPT");

    public static readonly CommandName AUTH = new("AUTH");

    public static readonly CommandName SELECT = new("SELECT");

    public static readonly CommandName CLIENT = new("CLIENT");
}
