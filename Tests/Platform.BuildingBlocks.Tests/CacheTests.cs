using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Caching;

namespace Platform.BuildingBlocks.Tests;

public sealed record Product(int Id, string Name, int Version);

[JsonSerializable(typeof(Product))]
[JsonSerializable(typeof(string))]
public sealed partial class CacheTestJsonContext : JsonSerializerContext;

public sealed class CacheTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly CacheEntryOptions NoEarlyRefresh = new() { Duration = TimeSpan.FromMinutes(5), EarlyRefreshBeta = 0 };

    private IHost NewInstance(string prefix, Action<TwoLevelCacheOptions>? configure = null) =>
        TestHosts.Create(redis.Server, b => b.AddTwoLevelCache(o =>
        {
            o.KeyPrefix = prefix;
            o.AddJsonContext(CacheTestJsonContext.Default);
            configure?.Invoke(o);
        }));

    private static TwoLevelCache Cache(IHost host) => host.Services.GetRequiredService<TwoLevelCache>();

    [Fact]
    public async Task Cold_key_with_1000_concurrent_callers_on_two_instances_runs_the_factory_once()
    {
        var prefix = RedisFixture.Unique("stampede");
        // a generous Redis timeout: on a loaded CI box a timed-out GET would (correctly) fall back to a local compute
        using var hostA = NewInstance(prefix, o => o.DistributedTimeout = TimeSpan.FromSeconds(3));
        using var hostB = NewInstance(prefix, o => o.DistributedTimeout = TimeSpan.FromSeconds(3));
        var caches = new[] { Cache(hostA), Cache(hostB) };
        await Task.WhenAll(caches[0].BackplaneReady, caches[1].BackplaneReady).WaitAsync(TimeSpan.FromSeconds(10));
        int calls = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await caches[i % 2].GetOrCreateAsync("product:1", async ct =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(300, ct);
                return new Product(1, "widget", 1);
            }, NoEarlyRefresh);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, calls);
        Assert.All(results, p => Assert.Equal(new Product(1, "widget", 1), p));
    }

    [Fact]
    public async Task L1_hit_returns_the_stored_object_without_deserialising()
    {
        using var host = NewInstance(RedisFixture.Unique("l1"));
        var cache = Cache(host);
        int calls = 0;
        ValueTask<Product> Factory(CancellationToken ct) => ValueTask.FromResult(new Product(Interlocked.Increment(ref calls), "a", 1));

        var first = await cache.GetOrCreateAsync("p", Factory, NoEarlyRefresh);
        var second = await cache.GetOrCreateAsync("p", Factory, NoEarlyRefresh);

        Assert.Same(first, second);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_value_in_redis_is_served_to_another_instance_without_its_factory()
    {
        var prefix = RedisFixture.Unique("l2");
        using var hostA = NewInstance(prefix);
        using var hostB = NewInstance(prefix);
        await Cache(hostA).SetAsync("p", new Product(7, "from-a", 1), NoEarlyRefresh);

        var fromB = await Cache(hostB).GetOrCreateAsync<Product>("p", _ => throw new InvalidOperationException("factory must not run"), NoEarlyRefresh);

        Assert.Equal(new Product(7, "from-a", 1), fromB);
    }

    [Fact]
    public async Task An_update_in_one_instance_evicts_the_other_instances_L1_within_a_bounded_time()
    {
        var prefix = RedisFixture.Unique("backplane");
        using var hostA = NewInstance(prefix);
        using var hostB = NewInstance(prefix);
        var (a, b) = (Cache(hostA), Cache(hostB));
        await Task.WhenAll(a.BackplaneReady, b.BackplaneReady).WaitAsync(TimeSpan.FromSeconds(10));
        await b.GetOrCreateAsync("p", _ => ValueTask.FromResult(new Product(1, "old", 1)), NoEarlyRefresh);

        var watch = Stopwatch.StartNew();
        await a.SetAsync("p", new Product(1, "new", 2), NoEarlyRefresh);
        await TestHosts.EventuallyAsync(
            async () => (await b.GetOrCreateAsync("p", _ => ValueTask.FromResult(new Product(1, "factory", 0)), NoEarlyRefresh)).Version == 2,
            TimeSpan.FromSeconds(5),
            "instance B should see the update");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Remove_by_tag_evicts_tagged_keys_from_both_levels_in_every_instance()
    {
        var prefix = RedisFixture.Unique("tags");
        using var hostA = NewInstance(prefix);
        using var hostB = NewInstance(prefix);
        var (a, b) = (Cache(hostA), Cache(hostB));
        await Task.WhenAll(a.BackplaneReady, b.BackplaneReady).WaitAsync(TimeSpan.FromSeconds(10));
        string[] tags = ["catalog"];
        await a.SetAsync("p1", new Product(1, "v1", 1), NoEarlyRefresh, tags);
        await a.SetAsync("p2", new Product(2, "v1", 1), NoEarlyRefresh, tags);
        await a.SetAsync("untagged", new Product(3, "v1", 1), NoEarlyRefresh);
        foreach (var key in new[] { "p1", "p2", "untagged" })
        {
            await b.GetOrCreateAsync<Product>(key, _ => throw new InvalidOperationException("should come from Redis"), NoEarlyRefresh);
        }

        await a.RemoveByTagAsync("catalog");

        var recomputed = new Product(0, "recomputed", 2);
        Assert.Equal(recomputed, await a.GetOrCreateAsync("p1", _ => ValueTask.FromResult(recomputed), NoEarlyRefresh));
        await TestHosts.EventuallyAsync(
            async () => (await b.GetOrCreateAsync("p2", _ => ValueTask.FromResult(recomputed), NoEarlyRefresh)).Version == 2,
            TimeSpan.FromSeconds(5),
            "the tagged key should be evicted from instance B");
        Assert.Equal("v1", (await b.GetOrCreateAsync("untagged", _ => ValueTask.FromResult(recomputed), NoEarlyRefresh)).Name);
    }

    [Fact]
    public async Task When_the_factory_fails_after_expiry_the_stale_value_is_served()
    {
        using var host = NewInstance(RedisFixture.Unique("failsafe"));
        var cache = Cache(host);
        var shortLived = new CacheEntryOptions { Duration = TimeSpan.FromMilliseconds(200), JitterFraction = 0, EarlyRefreshBeta = 0, FailSafeMaxStaleness = TimeSpan.FromMinutes(1) };
        await cache.GetOrCreateAsync("p", _ => ValueTask.FromResult(new Product(1, "good", 1)), shortLived);
        await Task.Delay(400);

        var served = await cache.GetOrCreateAsync<Product>("p", _ => throw new TimeoutException("database down"), shortLived);

        Assert.Equal("good", served.Name);
    }

    [Fact]
    public async Task Without_a_stale_value_a_factory_failure_reaches_the_caller_and_is_not_cached()
    {
        using var host = NewInstance(RedisFixture.Unique("nofailsafe"));
        var cache = Cache(host);

        await Assert.ThrowsAsync<TimeoutException>(async () => await cache.GetOrCreateAsync<Product>("p", _ => throw new TimeoutException("down"), NoEarlyRefresh));
        var value = await cache.GetOrCreateAsync("p", _ => ValueTask.FromResult(new Product(1, "ok", 1)), NoEarlyRefresh);

        Assert.Equal("ok", value.Name);
    }

    [Fact]
    public async Task XFetch_recomputes_in_the_background_before_expiry_while_readers_get_the_current_value()
    {
        using var host = NewInstance(RedisFixture.Unique("xfetch"));
        var cache = Cache(host);
        // delta 50 ms * beta 1000 makes -delta*beta*ln(rand) exceed the 10 s lifetime almost always
        var eager = new CacheEntryOptions { Duration = TimeSpan.FromSeconds(10), EarlyRefreshBeta = 1000, JitterFraction = 0 };
        int calls = 0;
        async ValueTask<Product> Slow(CancellationToken ct)
        {
            int n = Interlocked.Increment(ref calls);
            await Task.Delay(50, ct);
            return new Product(1, "v", n);
        }

        Assert.Equal(1, (await cache.GetOrCreateAsync("p", Slow, eager)).Version);
        var watch = Stopwatch.StartNew();
        var next = await cache.GetOrCreateAsync("p", Slow, eager);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(45), "the hit must not wait for the refresh");
        Assert.Equal(1, next.Version);

        await TestHosts.EventuallyAsync(
            async () => (await cache.GetOrCreateAsync("p", Slow, eager)).Version > 1,
            TimeSpan.FromSeconds(5),
            "the background refresh should replace the value long before its 10 s expiry");
    }

    [Fact]
    public async Task Reads_survive_redis_being_killed_and_the_cache_heals_when_it_returns()
    {
        await using var server = await RedisServer.StartAsync();
        var prefix = RedisFixture.Unique("outage");
        void Configure(IHostApplicationBuilder b) => b.AddTwoLevelCache(o =>
        {
            o.KeyPrefix = prefix;
            o.AddJsonContext(CacheTestJsonContext.Default);
            o.DistributedTimeout = TimeSpan.FromMilliseconds(300);
        });
        using var hostA = TestHosts.Create(server, Configure);
        using var hostB = TestHosts.Create(server, Configure);
        var (a, b) = (Cache(hostA), Cache(hostB));
        await Task.WhenAll(a.BackplaneReady, b.BackplaneReady).WaitAsync(TimeSpan.FromSeconds(10));
        await a.GetOrCreateAsync("warm", _ => ValueTask.FromResult(new Product(1, "warm", 1)), NoEarlyRefresh);

        server.Kill();
        var connection = hostA.Services.GetRequiredService<Platform.Redis.RedisConnection>();
        await TestHosts.EventuallyAsync(() => Task.FromResult(!connection.IsConnected), TimeSpan.FromSeconds(5), "the client should notice the dead server");

        var watch = Stopwatch.StartNew();
        Assert.Equal("warm", (await a.GetOrCreateAsync<Product>("warm", _ => throw new InvalidOperationException("L1 should serve"), NoEarlyRefresh)).Name);
        Assert.Equal("cold", (await a.GetOrCreateAsync("cold", _ => ValueTask.FromResult(new Product(2, "cold", 1)), NoEarlyRefresh)).Name);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"reads during the outage took {watch.Elapsed}");

        await server.RestartAsync();
        await TestHosts.EventuallyAsync(() => Task.FromResult(connection.IsConnected), TimeSpan.FromSeconds(15), "the client should reconnect");
        await b.GetOrCreateAsync("healed", _ => ValueTask.FromResult(new Product(3, "old", 1)), NoEarlyRefresh);
        await TestHosts.EventuallyAsync(
            async () =>
            {
                await a.SetAsync("healed", new Product(3, "new", 2), NoEarlyRefresh);
                return (await b.GetOrCreateAsync("healed", _ => ValueTask.FromResult(new Product(3, "factory", 0)), NoEarlyRefresh)).Version == 2;
            },
            TimeSpan.FromSeconds(15),
            "after Redis returns, writes should reach the other instance again");
    }
}
