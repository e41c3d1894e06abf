namespace Platform.Redis.Tests;

/// <summary>Hashes, lists, sets, sorted sets and SCAN against a real server.</summary>
public sealed class DataStructureTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection _redis = fixture.Connection;

    private static string Key(string name) => RedisServerFixture.Key(name);

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
}
