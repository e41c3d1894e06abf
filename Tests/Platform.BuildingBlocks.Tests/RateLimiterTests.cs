using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Platform.RateLimiting;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.BuildingBlocks.Tests;

public sealed class RateLimiterTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    private IHost NewInstance(Action<DistributedRateLimiterOptions> configure, RedisServer? server = null) =>
        TestHosts.Create(server ?? redis.Server, b => b.AddDistributedRateLimiter(o =>
        {
            o.KeyPrefix = RedisFixture.Unique("rl");
            configure(o);
        }));

    private static DistributedRateLimiterFactory Factory(IHost host) => host.Services.GetRequiredService<DistributedRateLimiterFactory>();

    private static async Task WarmAsync(IHost host) => await host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().PingAsync();

    [Fact]
    public async Task Two_instances_share_one_budget_and_no_rolling_window_exceeds_limit_plus_burst()
    {
        const int limit = 200, burst = 20;
        var window = TimeSpan.FromSeconds(1);
        string prefix = RedisFixture.Unique("shared");
        void Configure(DistributedRateLimiterOptions o)
        {
            o.PermitLimit = limit;
            o.Window = window;
            o.Burst = burst;
            o.MaxLeaseSize = 16;
            o.LeaseLifetime = TimeSpan.FromMilliseconds(50);
            o.KeyPrefix = prefix;
        }

        using var hostA = TestHosts.Create(redis.Server, b => b.AddDistributedRateLimiter(Configure));
        using var hostB = TestHosts.Create(redis.Server, b => b.AddDistributedRateLimiter(Configure));
        await Task.WhenAll(WarmAsync(hostA), WarmAsync(hostB));
        using var limiterA = Factory(hostA).CreatePartition("tenant-1");
        using var limiterB = Factory(hostB).CreatePartition("tenant-1");
        var clock = Stopwatch.StartNew();
        var granted = new ConcurrentQueue<(double Ms, int Instance)>();
        var run = TimeSpan.FromSeconds(2.2);

        async Task Hammer(RateLimiter limiter, int instance)
        {
            while (clock.Elapsed < run)
            {
                using var lease = limiter.AttemptAcquire() is { IsAcquired: true } quick ? quick : await limiter.AcquireAsync();
                if (lease.IsAcquired)
                {
                    granted.Enqueue((clock.Elapsed.TotalMilliseconds, instance));
                }
                else
                {
                    await Task.Delay(1);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Hammer(i % 2 == 0 ? limiterA : limiterB, i % 2))));

        var times = granted.Select(g => g.Ms).Order().ToArray();
        // timestamps are taken just after the permit is spent; shrinking the window by 30 ms absorbs that scheduling jitter
        double span = window.TotalMilliseconds - 30;
        int worst = 0;
        for (int i = 0, j = 0; i < times.Length; i++)
        {
            while (j < times.Length && times[j] < times[i] + span)
            {
                j++;
            }

            worst = Math.Max(worst, j - i);
        }

        output.WriteLine($"grants: {times.Length} (A {granted.Count(g => g.Instance == 0)}), worst {span} ms window: {worst}, Redis calls: {Factory(hostA).LeaseRequestCount + Factory(hostB).LeaseRequestCount}");
        Assert.True(worst <= limit + burst, $"a rolling window held {worst} grants (bound {limit + burst})");
        Assert.True(times.Length >= limit * 2.2 * 0.6, $"only {times.Length} grants in 2.2 s: the limiter is too strict");
        Assert.True(granted.Count(g => g.Instance == 0) > times.Length / 10 && granted.Count(g => g.Instance == 1) > times.Length / 10, "both instances should get permits");
    }

    [Fact]
    public async Task Under_load_permits_come_in_batches_not_one_redis_call_per_request()
    {
        using var host = NewInstance(o =>
        {
            o.PermitLimit = 100_000;
            o.Burst = 20_000; // lease lifetime = min(250 ms, Burst / 2 / rate) = 100 ms, well above a loaded round trip
            o.MaxLeaseSize = 64;
        });
        await WarmAsync(host);
        var factory = Factory(host);
        using var limiter = factory.CreatePartition("hot");
        int acquired = 0;
        for (int i = 0; i < 3000; i++)
        {
            using var lease = limiter.AttemptAcquire() is { IsAcquired: true } quick ? quick : await limiter.AcquireAsync();
            acquired += lease.IsAcquired ? 1 : 0;
        }

        output.WriteLine($"3000 permits, {factory.LeaseRequestCount} Redis calls");
        Assert.Equal(3000, acquired);
        Assert.True(factory.LeaseRequestCount <= 3000 / 5, $"{factory.LeaseRequestCount} Redis calls for 3000 permits");
    }

    [Fact]
    public async Task A_partition_far_below_its_limit_never_rejects_under_concurrent_demand()
    {
        // one client far under its limit (wrk against the catalog): 64 callers at once outrun any single batch, and
        // every caller must still get a permit, however many refills it waits for
        using var host = NewInstance(o =>
        {
            o.PermitLimit = 10_000_000;
            o.Burst = 2_000_000; // lease lifetime 100 ms
        });
        await WarmAsync(host);
        var factory = Factory(host);
        using var limiter = factory.CreatePartition("busy-client");
        var clock = Stopwatch.StartNew();
        int acquired = 0, rejected = 0;

        async Task Hammer()
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
            {
                using var lease = limiter.AttemptAcquire() is { IsAcquired: true } quick ? quick : await limiter.AcquireAsync();
                Interlocked.Increment(ref lease.IsAcquired ? ref acquired : ref rejected);
                await Task.Yield();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(Hammer)));

        output.WriteLine($"{acquired} acquired, {rejected} rejected, {factory.LeaseRequestCount} Redis calls");
        Assert.Equal(0, rejected);
        Assert.True(acquired > 1000, $"only {acquired} permits in 1.5 s");
        Assert.True(factory.LeaseRequestCount <= acquired / 100, $"{factory.LeaseRequestCount} Redis calls for {acquired} permits");
    }

    [Fact]
    public async Task Rejected_requests_get_429_with_Retry_After()
    {
        await using var web = await TestWeb.StartAsync(
            redis.Server,
            b => b.AddDistributedRateLimiter(o =>
            {
                o.KeyPrefix = RedisFixture.Unique("http");
                o.PermitLimit = 2;
                o.Window = TimeSpan.FromSeconds(10);
                o.Burst = 3;
                o.Global = true;
            }),
            app =>
            {
                app.UseRateLimiter();
                app.MapGet("/", () => "ok");
            });

        var statuses = new List<HttpResponseMessage>();
        for (int i = 0; i < 10; i++)
        {
            statuses.Add(await web.Client.GetAsync("/"));
        }

        int ok = statuses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.InRange(ok, 1, 3);
        var rejected = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(10 - ok, rejected.Count);
        Assert.All(rejected, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After should be set"));
    }

    [Fact]
    public async Task A_redis_answering_slower_than_a_lease_lives_is_decided_locally_not_refused()
    {
        // Every answer takes about 120 ms: within the Redis timeout (1 s), but longer than a lease lives (50 ms), so every
        // batch arrives expired, as while a failover reconnects. Redis never says the bucket is empty: the client is far
        // below its limit and must not be refused (it was, after a second of waiting: 429s in a failover test).
        await using var proxy = LatencyProxy.Start(redis.Server.Port, TimeSpan.FromMilliseconds(60));
        using var host = TestHosts.Create($"127.0.0.1:{proxy.Port},password={redis.Server.Password},abortConnect=false", b => b.AddDistributedRateLimiter(o =>
        {
            o.KeyPrefix = RedisFixture.Unique("slow");
            o.PermitLimit = 1000;
            o.Burst = 1000;
            o.LeaseLifetime = TimeSpan.FromMilliseconds(50);
            o.RedisTimeout = TimeSpan.FromSeconds(1);
        }));
        await WarmAsync(host);
        using var limiter = Factory(host).CreatePartition("slow-redis");

        var granted = 0;
        for (int i = 0; i < 20; i++)
        {
            using var lease = await limiter.AcquireAsync();
            granted += lease.IsAcquired ? 1 : 0;
        }

        Assert.Equal(20, granted);
        Assert.True(Factory(host).LeaseRequestCount > 0, "the limiter should have asked Redis first");
    }

    [Fact]
    public async Task Redis_down_under_many_partitions_logs_one_warning_not_one_per_partition()
    {
        // a sale's drop: thousands of buyers, a partition each; without Redis every one decides locally
        await using var server = await RedisServer.StartAsync();
        var configuration = ConfigurationOptions.Parse(server.ConnectionString);
        configuration.BacklogPolicy = BacklogPolicy.FailFast; // each lease request fails at once, not after its timeout
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        server.Kill();
        await TestHosts.EventuallyAsync(() => Task.FromResult(!multiplexer.IsConnected), TimeSpan.FromSeconds(10), "the client should notice Redis is gone");
        var logger = new FakeLogger<DistributedRateLimiterFactory>();
        var factory = new DistributedRateLimiterFactory(multiplexer, new DistributedRateLimiterOptions { KeyPrefix = RedisFixture.Unique("many") }, logger);

        var granted = 0;
        for (int i = 0; i < 200; i++)
        {
            using var limiter = factory.CreatePartition($"buyer-{i}");
            using var lease = await limiter.AcquireAsync();
            granted += lease.IsAcquired ? 1 : 0;
        }

        Assert.Equal(200, granted);
        Assert.Equal(1, logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task When_redis_is_down_fail_open_uses_the_local_fallback_and_fail_closed_rejects()
    {
        await using var server = await RedisServer.StartAsync();
        using var openHost = NewInstance(o => { o.FallbackPermitLimit = 5; o.Burst = 5; o.Window = TimeSpan.FromSeconds(10); }, server);
        using var closedHost = NewInstance(o => o.FailOpen = false, server);
        await Task.WhenAll(WarmAsync(openHost), WarmAsync(closedHost));
        server.Kill();
        using var open = Factory(openHost).CreatePartition("k");
        using var closed = Factory(closedHost).CreatePartition("k");

        int openGranted = 0, closedGranted = 0;
        for (int i = 0; i < 20; i++)
        {
            using var a = await open.AcquireAsync();
            using var b = await closed.AcquireAsync();
            openGranted += a.IsAcquired ? 1 : 0;
            closedGranted += b.IsAcquired ? 1 : 0;
        }

        Assert.InRange(openGranted, 1, 6);
        Assert.Equal(0, closedGranted);
    }
}
