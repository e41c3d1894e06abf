using System.Text;

namespace Platform.Redis.Tests;

/// <summary>Strings, keys, server commands, errors, ExecuteAsync and batches against a real server.</summary>
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
