namespace Platform.Redis.Tests;

public sealed class ScriptTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly LuaScript IncrementIfBelow = new("""
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current < tonumber(ARGV[1]) then
          return redis.call('INCR', KEYS[1])
        end
        return -1
        """);

    private static readonly LuaScript Structured = new("return {1, 'two', {3, 'four'}, redis.error_reply('NESTED oops'), false}");

    private readonly RedisConnection _redis = fixture.Connection;

    [Fact]
    public void Sha1_matches_what_redis_computes() // printf "%s" "return 'hello'" | sha1sum
    {
        Assert.Equal("1b936e3fe509bcbc9cd0664897bbe8fd0cac101b", new LuaScript("return 'hello'").Sha1);
    }

    [Fact]
    public async Task Scripts_run_by_evalsha_and_fall_back_transparently_after_script_flush()
    {
        var key = RedisServerFixture.Key("script");
        Assert.Equal(IncrementIfBelow.Sha1, await _redis.ScriptLoadAsync(IncrementIfBelow));
        Assert.Equal(1, (await _redis.ScriptEvaluateAsync(IncrementIfBelow, [key], [2])).AsInt64());

        await _redis.ExecuteAsync("SCRIPT", "FLUSH");
        var exists = await _redis.ExecuteAsync("SCRIPT", "EXISTS", IncrementIfBelow.Sha1);
        Assert.Equal(0, exists.AsArray()[0].AsInt64());

        Assert.Equal(2, (await _redis.ScriptEvaluateAsync(IncrementIfBelow, [key], [2])).AsInt64()); // NOSCRIPT -> EVAL
        Assert.Equal(1, (await _redis.ExecuteAsync("SCRIPT", "EXISTS", IncrementIfBelow.Sha1)).AsArray()[0].AsInt64());
        Assert.Equal(-1, (await _redis.ScriptEvaluateAsync(IncrementIfBelow, [key], [2])).AsInt64()); // EVALSHA again
    }

    [Fact]
    public async Task Script_fallback_also_works_inside_a_batch()
    {
        var script = new LuaScript($"return '{Guid.NewGuid():N}'"); // never loaded
        var batch = _redis.CreateBatch();
        var result = batch.ScriptEvaluateAsync(script);
        var after = batch.PingAsync();
        await batch.ExecuteAsync();
        Assert.Equal(32, (await result).AsString()!.Length);
        await after;
    }

    [Fact]
    public async Task Script_replies_keep_their_structure()
    {
        var result = await _redis.ScriptEvaluateAsync(Structured);
        var items = result.AsArray();
        Assert.Equal(1, items[0].AsInt64());
        Assert.Equal("two", items[1].AsString());
        Assert.Equal(RedisResultType.Array, items[2].Type);
        Assert.Equal("four", items[2].AsArray()[1].AsString());
        Assert.Equal(RedisResultType.Error, items[3].Type);
        Assert.Equal("NESTED oops", items[3].AsString());
        Assert.True(items[4].IsNull); // Lua false -> nil
    }

    [Fact]
    public async Task Script_errors_surface_with_the_servers_message()
    {
        var error = await Assert.ThrowsAsync<RedisServerException>(() => _redis.ScriptEvaluateAsync(new LuaScript("return redis.call('NOPE')")));
        Assert.Contains("Unknown Redis command", error.Message, StringComparison.OrdinalIgnoreCase);
        var direct = await _redis.EvalAsync("return ARGV[1] .. KEYS[1]", ["k"], ["v"]);
        Assert.Equal("vk", direct.AsString());
    }
}
