using System.Text;

namespace Platform.Redis.Tests;

/// <summary>Every typed command against a real server.</summary>
public sealed class CommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection _redis = fixture.Connection;

    private static string Key(string name) => RedisServerFixture.Key(name);

    [Fact]
    public async Task Get_and_set_round_trip_strings_bytes_and_numbers()
    {
        var key = Key("str");
        Assert.True((await _redis.GetAsync(key)).IsNull);
        Assert.True(await _redis.SetAsync(key, "héllo"));
        Assert.Equal("héllo", (string?)await _redis.GetAsync(key));

        var binary = new byte[] { 0, 13, 10, 255, (byte)'$', (byte)'*', 13, 10 };
        Assert.True(await _redis.SetAsync(key, binary));
        Assert.Equal(binary, (await _redis.GetAsync(key)).ToArray());

        Assert.True(await _redis.SetAsync(key, 42));
        Assert.Equal(42L, (long)await _redis.GetAsync(key));
        Assert.True(await _redis.SetAsync(key, 1.5));
        Assert.Equal(1.5, (double)await _redis.GetAsync(key));

        Assert.True(await _redis.SetAsync(key, RedisValue.EmptyString));
        var empty = await _redis.GetAsync(key);
        Assert.False(empty.IsNull);
        Assert.True(empty.IsNullOrEmpty);

        Assert.True(await _redis.SetAsync(key, new ReadOnlyMemory<byte>(binary, 1, 3)));
        Assert.Equal(new byte[] { 13, 10, 255 }, (await _redis.GetAsync(key)).ToArray());
    }

    [Fact]
    public async Task Set_with_expiry_and_conditions()
    {
        var key = Key("setex");
        Assert.True(await _redis.SetAsync(key, "v", TimeSpan.FromSeconds(100)));
        Assert.InRange(await _redis.TtlAsync(key), 95, 100);
        Assert.True(await _redis.SetAsync(key, "v", TimeSpan.FromMilliseconds(20_500)));
        Assert.InRange(await _redis.PTtlAsync(key), 19_000, 20_500);

        Assert.False(await _redis.SetAsync(key, "other", when: When.NotExists));
        Assert.Equal("v", (string?)await _redis.GetAsync(key));
        Assert.True(await _redis.SetAsync(key, "xx", when: When.Exists));
        Assert.Equal("xx", (string?)await _redis.GetAsync(key));
        Assert.Equal(-1, await _redis.TtlAsync(key)); // plain SET clears the TTL

        var missing = Key("missing");
        Assert.False(await _redis.SetAsync(missing, "v", when: When.Exists));
        Assert.True(await _redis.SetAsync(missing, "v", TimeSpan.FromSeconds(5), When.NotExists));
        Assert.Equal(-2, await _redis.TtlAsync(Key("never")));

        var shortLived = Key("px");
        Assert.True(await _redis.SetAsync(shortLived, "v", TimeSpan.FromMilliseconds(50)));
        await Task.Delay(200);
        Assert.True((await _redis.GetAsync(shortLived)).IsNull);
    }

    [Fact]
    public async Task MGet_MSet_GetDel_Append_StrLen()
    {
        string a = Key("a"), b = Key("b"), c = Key("c");
        Assert.True(await _redis.MSetAsync([new(a, "1"), new(b, "2")]));
        var values = await _redis.MGetAsync([a, b, c]);
        Assert.Equal(["1", "2", null], values.Select(v => (string?)v));
        Assert.Equal(3, await _redis.AppendAsync(a, "23"));
        Assert.Equal(3, await _redis.StrLenAsync(a));
        Assert.Equal("123", (string?)await _redis.GetDelAsync(a));
        Assert.False(await _redis.ExistsAsync(a));
    }

    [Fact]
    public async Task Counters()
    {
        var key = Key("counter");
        Assert.Equal(1, await _redis.IncrAsync(key));
        Assert.Equal(11, await _redis.IncrByAsync(key, 10));
        Assert.Equal(10, await _redis.DecrAsync(key));
        Assert.Equal(-90, await _redis.DecrByAsync(key, 100));
        Assert.Equal(-89.5, await _redis.IncrByFloatAsync(key, 0.5));
        Assert.Equal(long.MaxValue, await _redis.IncrByAsync(Key("big"), long.MaxValue));
    }

    [Fact]
    public async Task Keys_delete_exist_expire_persist_type()
    {
        string a = Key("k"), b = Key("k"), c = Key("k");
        await _redis.SetAsync(a, "1");
        await _redis.SetAsync(b, "1");
        Assert.Equal(2, await _redis.ExistsAsync([a, b, c]));
        Assert.Equal("string", await _redis.TypeAsync(a));
        Assert.Equal("none", await _redis.TypeAsync(c));

        Assert.True(await _redis.ExpireAsync(a, TimeSpan.FromSeconds(30)));
        Assert.InRange(await _redis.TtlAsync(a), 25, 30);
        Assert.True(await _redis.PExpireAsync(a, TimeSpan.FromMilliseconds(15_000)));
        Assert.InRange(await _redis.PTtlAsync(a), 10_000, 15_000);
        Assert.True(await _redis.PersistAsync(a));
        Assert.Equal(-1, await _redis.TtlAsync(a));
        Assert.False(await _redis.ExpireAsync(c, TimeSpan.FromSeconds(1)));

        Assert.Equal(1, await _redis.DelAsync(a));
        Assert.Equal(0, await _redis.DelAsync(a));
        await _redis.SetAsync(a, "1");
        Assert.Equal(2, await _redis.DelAsync([a, b, c]));
        await _redis.SetAsync(a, "1");
        Assert.Equal(1, await _redis.UnlinkAsync([a]));
    }

    [Fact]
    public async Task Hashes()
    {
        var key = Key("hash");
        Assert.True(await _redis.HSetAsync(key, "name", "Ada"));
        Assert.False(await _redis.HSetAsync(key, "name", "Ada L."));
        Assert.Equal(2, await _redis.HSetAsync(key, [new("email", "ada@example.com"), new("visits", 1)]));
        Assert.False(await _redis.HSetNxAsync(key, "name", "x"));
        Assert.True(await _redis.HSetNxAsync(key, "city", "London"));
        Assert.Equal("Ada L.", (string?)await _redis.HGetAsync(key, "name"));
        Assert.True((await _redis.HGetAsync(key, "nope")).IsNull);
        Assert.Equal(["Ada L.", null], (await _redis.HMGetAsync(key, ["name", "nope"])).Select(v => (string?)v));
        Assert.Equal(6, await _redis.HIncrByAsync(key, "visits", 5));
        Assert.Equal(6.25, await _redis.HIncrByFloatAsync(key, "visits", 0.25));
        Assert.True(await _redis.HExistsAsync(key, "city"));
        Assert.Equal(4, await _redis.HLenAsync(key));
        var all = (await _redis.HGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("ada@example.com", all["email"]);
        Assert.Equal(4, all.Count);
        Assert.Equal(4, (await _redis.HKeysAsync(key)).Length);
        Assert.Contains("London", (await _redis.HValsAsync(key)).Select(v => v.ToString()));
        Assert.Equal(2, await _redis.HDelAsync(key, "city", "email", "nope"));
        Assert.Empty(await _redis.HGetAllAsync(Key("nohash")));
    }

    [Fact]
    public async Task Lists()
    {
        var key = Key("list");
        Assert.Equal(3, await _redis.RPushAsync(key, "b", "c", "d"));
        Assert.Equal(4, await _redis.LPushAsync(key, "a"));
        Assert.Equal(["a", "b", "c", "d"], (await _redis.LRangeAsync(key)).Select(v => v.ToString()));
        Assert.Equal(["b", "c"], (await _redis.LRangeAsync(key, 1, 2)).Select(v => v.ToString()));
        Assert.Equal(4, await _redis.LLenAsync(key));
        Assert.Equal("d", (string?)await _redis.LIndexAsync(key, -1));
        Assert.True(await _redis.LSetAsync(key, 0, "A"));
        Assert.Equal("A", (string?)await _redis.LPopAsync(key));
        Assert.Equal("d", (string?)await _redis.RPopAsync(key));
        await _redis.RPushAsync(key, "b", "b");
        Assert.Equal(3, await _redis.LRemAsync(key, 0, "b"));
        await _redis.RPushAsync(key, "x", "y", "z");
        Assert.True(await _redis.LTrimAsync(key, 0, 1));
        Assert.Equal(["c", "x"], (await _redis.LRangeAsync(key)).Select(v => v.ToString()));
        Assert.True((await _redis.LPopAsync(Key("nolist"))).IsNull);
        Assert.Empty(await _redis.LRangeAsync(Key("nolist")));
    }

    [Fact]
    public async Task Sets()
    {
        var key = Key("set");
        Assert.Equal(2, await _redis.SAddAsync(key, "a", "b", "a"));
        Assert.True(await _redis.SIsMemberAsync(key, "a"));
        Assert.False(await _redis.SIsMemberAsync(key, "z"));
        Assert.Equal(2, await _redis.SCardAsync(key));
        Assert.Equal(["a", "b"], (await _redis.SMembersAsync(key)).Select(v => v.ToString()).Order());
        Assert.Equal(1, await _redis.SRemAsync(key, "a", "z"));
    }

    [Fact]
    public async Task Sorted_sets_for_leaderboards()
    {
        var key = Key("board");
        Assert.True(await _redis.ZAddAsync(key, "alice", 10));
        Assert.False(await _redis.ZAddAsync(key, "alice", 12)); // updated, not added
        Assert.Equal(3, await _redis.ZAddAsync(key, [new("bob", 20), new("carol", 5), new("dave", 15)]));
        Assert.False(await _redis.ZAddAsync(key, "bob", 1, When.NotExists));
        Assert.Equal(20, await _redis.ZScoreAsync(key, "bob"));
        Assert.False(await _redis.ZAddAsync(key, "erin", 1, When.Exists));
        Assert.Null(await _redis.ZScoreAsync(key, "erin"));

        Assert.Equal(17.5, await _redis.ZIncrByAsync(key, "alice", 5.5));
        var top = await _redis.ZRevRangeWithScoresAsync(key, 0, 2);
        Assert.Equal([new SortedSetEntry("bob", 20), new SortedSetEntry("alice", 17.5), new SortedSetEntry("dave", 15)], top);
        Assert.Equal(["bob", "alice"], (await _redis.ZRevRangeAsync(key, 0, 1)).Select(v => v.ToString()));
        Assert.Equal(["carol", "dave"], (await _redis.ZRangeAsync(key, 0, 1)).Select(v => v.ToString()));
        Assert.Equal("carol", (await _redis.ZRangeWithScoresAsync(key, 0, 0))[0].Member.ToString());

        Assert.Equal(0, await _redis.ZRevRankAsync(key, "bob"));
        Assert.Equal(3, await _redis.ZRevRankAsync(key, "carol"));
        Assert.Equal(0, await _redis.ZRankAsync(key, "carol"));
        Assert.Null(await _redis.ZRevRankAsync(key, "nobody"));
        Assert.Equal(4, await _redis.ZCardAsync(key));
        Assert.Equal(2, await _redis.ZCountAsync(key, 15, 18));
        Assert.Equal(4, await _redis.ZCountAsync(key));

        // keep the top 2: remove ascending ranks 0 .. -3
        Assert.Equal(2, await _redis.ZRemRangeByRankAsync(key, 0, -3));
        Assert.Equal(["bob", "alice"], (await _redis.ZRevRangeAsync(key)).Select(v => v.ToString()));
        Assert.Equal(1, await _redis.ZRemAsync(key, "alice", "nobody"));

        Assert.Equal(double.PositiveInfinity, await _redis.ZIncrByAsync(key, "inf", double.PositiveInfinity));
    }

    [Fact]
    public async Task Scan_iterates_every_matching_key()
    {
        var prefix = Key("scan");
        var keys = Enumerable.Range(0, 620).Select(i => $"{prefix}:{i}").ToList();
        var batch = _redis.CreateBatch();
        var writes = keys.Select(k => batch.SetAsync(k, "1")).ToList();
        await batch.ExecuteAsync();
        await Task.WhenAll(writes);

        var seen = new HashSet<string>();
        await foreach (var key in _redis.ScanKeysAsync($"{prefix}:*", pageSize: 100))
        {
            seen.Add(key.ToString());
        }

        Assert.Equal(keys.Order(), seen.Order());

        var page = await _redis.ScanAsync(0, $"{prefix}:*", 10);
        Assert.True(page.Cursor != 0 || page.Keys.Length > 0);
    }

    [Fact]
    public async Task Server_commands()
    {
        var info = await _redis.InfoAsync("server");
        Assert.Contains("redis_version:", info, StringComparison.Ordinal);
        Assert.Contains("# Server", await _redis.InfoAsync(), StringComparison.Ordinal);
        Assert.True(await _redis.PingAsync() < TimeSpan.FromSeconds(1));
        Assert.True(await _redis.DbSizeAsync() >= 0);
        Assert.Equal("echo\r\n", (string?)await _redis.EchoAsync("echo\r\n"));
    }

    [Fact]
    public async Task Server_errors_surface_with_the_servers_message()
    {
        var key = Key("wrongtype");
        await _redis.LPushAsync(key, "x");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => _redis.GetAsync(key));
        Assert.Equal("WRONGTYPE", error.ErrorCode);
        Assert.Contains("Operation against a key holding the wrong kind of value", error.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => _redis.ExecuteAsync("NOSUCHCOMMAND", "a"));
        Assert.Contains("unknown command", unknown.Message, StringComparison.OrdinalIgnoreCase);

        await _redis.SetAsync(key + "n", "abc");
        var notInt = await Assert.ThrowsAsync<RedisServerException>(() => _redis.IncrAsync(key + "n"));
        Assert.Contains("not an integer", notInt.Message, StringComparison.Ordinal);

        // the connection is still in sync afterwards
        Assert.Equal("abc", (string?)await _redis.GetAsync(key + "n"));
    }

    [Fact]
    public async Task Execute_sends_any_command_and_returns_the_raw_reply()
    {
        var key = Key("exec");
        Assert.Equal("OK", (await _redis.ExecuteAsync("SET", key, "v")).AsString());
        Assert.Equal("v", (await _redis.ExecuteAsync("get", key)).AsString());
        Assert.Equal(RedisResultType.Integer, (await _redis.ExecuteAsync("STRLEN", key)).Type);
        Assert.True((await _redis.ExecuteAsync("GET", Key("none"))).IsNull);
        var list = await _redis.ExecuteAsync("CONFIG", "GET", "maxmemory");
        Assert.Equal("maxmemory", list.AsArray()[0].AsString());
        Assert.Equal(RedisResultType.SimpleString, (await _redis.ExecuteAsync("PING")).Type);
    }

    [Theory]
    [InlineData("SUBSCRIBE")]
    [InlineData("select")]
    [InlineData("MULTI")]
    [InlineData("BLPOP")]
    [InlineData("MONITOR")]
    public void Commands_that_would_break_the_shared_connection_are_rejected(string command)
    {
        Assert.Throws<ArgumentException>(() => { _ = _redis.ExecuteAsync(command, "x"); });
    }

    [Fact]
    public async Task Large_values_round_trip()
    {
        var key = Key("large");
        var value = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(value);
        await _redis.SetAsync(key, value);
        var read = await _redis.GetAsync(key);
        Assert.True(value.AsSpan().SequenceEqual(read.ToArray()));

        var text = new string('é', 200_000);
        await _redis.SetAsync(key, text);
        Assert.Equal(text, (string?)await _redis.GetAsync(key));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), await _redis.StrLenAsync(key));
    }

    [Fact]
    public async Task Batch_writes_commands_together_and_completes_each_task()
    {
        var key = Key("batch");
        var batch = _redis.CreateBatch();
        var set = batch.SetAsync(key, "1");
        var incr = batch.IncrAsync(key);
        var wrong = batch.LPushAsync(key, "x"); // WRONGTYPE: fails alone
        var get = batch.GetAsync(key);
        Assert.Equal(4, batch.Count);
        Assert.False(set.IsCompleted);
        await batch.ExecuteAsync();
        Assert.True(await set);
        Assert.Equal(2, await incr);
        await Assert.ThrowsAsync<RedisServerException>(() => wrong);
        Assert.Equal("2", (string?)await get);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ExecuteAsync());
        await _redis.CreateBatch().ExecuteAsync(); // empty batch
    }

    [Fact]
    public async Task Database_option_selects_the_database()
    {
        await using var db3 = await fixture.Server.ConnectAsync("defaultDatabase=3");
        var key = Key("db");
        await db3.SetAsync(key, "in 3");
        Assert.Equal(3, db3.Database);
        Assert.True((await _redis.GetAsync(key)).IsNull);
        Assert.Equal("in 3", (string?)await db3.GetAsync(key));
    }

    [Fact]
    public async Task Client_name_is_set()
    {
        await using var named = await fixture.Server.ConnectAsync("name=orders-api");
        var list = (await named.ExecuteAsync("CLIENT", "LIST")).AsString()!;
        Assert.Contains("name=orders-api", list, StringComparison.Ordinal);
    }
}
