using StackExchange.Redis;

namespace Platform.Catalog.Tests;

/// <summary>
/// Callers choose the catalog cache's keys (cursors, ids that do not exist): 10⁴ distinct ones, three times what 4 MB
/// holds (about 3,000), fill the cache's Redis past its bound, which evicts the least recently used and stays under
/// it; the shared Redis, whose state must never be evicted, refuses eviction and evicted nothing.
/// </summary>
[Collection(CacheBoundCollection.Name)]
public sealed class CacheMemoryBoundTests(CacheBoundFixture fixture)
{
    private const int DistinctKeys = 10_000;

    [Fact]
    public async Task Ten_thousand_caller_chosen_keys_keep_the_cache_under_its_memory_bound_and_evict_no_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var answered = 0;
        await Parallel.ForAsync(0, DistinctKeys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            // half distinct cursors (pages), half ids that do not exist (cached misses)
            var url = i % 2 == 0 ? $"/api/catalog/items?cursor={i / 2 + 1}&limit=1" : $"/api/catalog/items/{1_000_000 + i}";
            using var response = await (i % 4 < 2 ? fixture.Replica0 : fixture.Replica1).GetAsync(url, token);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{url}: {(int)response.StatusCode}");
            Interlocked.Increment(ref answered);
        });
        Assert.Equal(DistinctKeys, answered);

        var cache = await InfoAsync(fixture.CacheRedisConnectionString);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"catalog cache: used {cache["used_memory"]} of {cache["maxmemory"]} B, {cache["evicted_keys"]} keys evicted, policy {cache["maxmemory_policy"]}");
        Assert.Equal("allkeys-lru", cache["maxmemory_policy"]);
        Assert.Equal(CacheBoundFixture.MaxMemoryBytes, long.Parse(cache["maxmemory"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(long.Parse(cache["evicted_keys"], System.Globalization.CultureInfo.InvariantCulture) > 0, "the bound was never reached: the test proved nothing");
        // Redis keeps the data under the bound; its own buffers (the append-only file's) come on top, hence 10 %
        Assert.True(long.Parse(cache["used_memory"], System.Globalization.CultureInfo.InvariantCulture) <= CacheBoundFixture.MaxMemoryBytes * 1.1,
            $"used {cache["used_memory"]} B over a bound of {CacheBoundFixture.MaxMemoryBytes} B");

        var state = await InfoAsync(fixture.RedisConnectionString);
        Assert.Equal("noeviction", state["maxmemory_policy"]);
        Assert.Equal("0", state["evicted_keys"]);
    }

    private static async Task<Dictionary<string, string>> InfoAsync(string connectionString)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        var server = redis.GetServers().Single(s => s.IsConnected && !s.IsReplica); // the primary (a catalog-cache has no replica)
        return (await server.InfoAsync()).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
    }
}
