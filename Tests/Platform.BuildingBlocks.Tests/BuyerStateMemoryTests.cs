using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.RateLimiting;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.BuildingBlocks.Tests;

/// <summary>
/// Buyer ids are chosen by the world, not by us: each new one makes a rate-limit bucket in the never-evicting Redis.
/// 10⁵ distinct buyers against a Redis bounded to 16 MB with <c>noeviction</c>: no write is refused, and every bucket
/// goes by itself (its lifetime, not the number of buyers, bounds the memory).
/// </summary>
public sealed class BuyerStateMemoryTests(ITestOutputHelper output)
{
    private const int Buyers = 100_000;
    private const long MaxMemory = 16 * 1024 * 1024;

    [Fact]
    public async Task A_hundred_thousand_buyers_leave_no_state_behind_and_stay_under_the_bound()
    {
        await using var server = await RedisServer.StartAsync(null, "--maxmemory", MaxMemory.ToString(CultureInfo.InvariantCulture), "--maxmemory-policy", "noeviction");
        using var host = TestHosts.Create(server, b => b.AddDistributedRateLimiter(o => o.KeyPrefix = "gateway:ratelimit"));
        var factory = host.Services.GetRequiredService<DistributedRateLimiterFactory>();
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        await using var _ = admin;
        var info = admin.GetServer(server.EndPoint);

        long peakKeys = 0;
        var granted = 0;
        await Parallel.ForAsync(0, Buyers, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            using var limiter = factory.CreatePartition($"load-test:buyer-{i}");
            using var lease = await limiter.AcquireAsync(1, ct);
            if (lease.IsAcquired)
            {
                Interlocked.Increment(ref granted);
            }

            if (i % 5_000 == 0)
            {
                var keys = await info.DatabaseSizeAsync();
                long seen;
                while ((seen = Interlocked.Read(ref peakKeys)) < keys && Interlocked.CompareExchange(ref peakKeys, keys, seen) != seen)
                {
                }
            }
        });

        var stats = await InfoAsync(info);
        output.WriteLine($"{Buyers} buyers, {granted} granted; at most {peakKeys} buckets at once; peak memory {stats["used_memory_peak"]} B of {MaxMemory} B");
        Assert.Equal(Buyers, granted);
        Assert.False(stats.ContainsKey("errorstat_OOM"), $"Redis refused writes: {stats.GetValueOrDefault("errorstat_OOM")}");
        Assert.True(long.Parse(stats["used_memory_peak"], CultureInfo.InvariantCulture) < MaxMemory);
        Assert.True(peakKeys < Buyers, "every bucket was still there at the end: their lifetimes did nothing");

        // and every buyer's bucket goes by itself
        await TestHosts.EventuallyAsync(async () => await info.DatabaseSizeAsync() == 0, TimeSpan.FromSeconds(30), "buckets left in Redis");
        await redis.GetDatabase().PingAsync();
    }

    private static async Task<Dictionary<string, string>> InfoAsync(IServer server) =>
        (await server.InfoAsync()).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
}
