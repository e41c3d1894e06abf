using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Locking;

namespace Platform.BuildingBlocks.Tests;

public sealed class LockTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private IHost NewInstance(Action<DistributedLockOptions>? configure = null) =>
        TestHosts.Create(redis.Server, b => b.AddDistributedLocks(configure));

    private static IDistributedLockProvider Locks(IHost host) => host.Services.GetRequiredService<IDistributedLockProvider>();

    [Fact]
    public async Task Contending_tasks_on_two_instances_never_overlap_and_fences_grow()
    {
        using var hostA = NewInstance();
        using var hostB = NewInstance();
        var providers = new[] { Locks(hostA), Locks(hostB) };
        var resource = RedisFixture.Unique("counter");
        int counter = 0;
        var fences = new List<long>();

        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                await using var handle = await providers[w % 2].AcquireAsync(resource, TimeSpan.FromSeconds(30));
                int read = counter; // deliberately non-atomic read-modify-write
                await Task.Yield();
                await Task.Delay(1);
                counter = read + 1;
                fences.Add(handle.FencingToken); // safe: only the holder touches the list
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(160, counter);
        Assert.Equal(160, fences.Count);
        for (int i = 1; i < fences.Count; i++)
        {
            Assert.True(fences[i] > fences[i - 1], $"fence {fences[i]} after {fences[i - 1]}");
        }
    }

    [Fact]
    public async Task A_holder_frozen_past_its_lease_loses_it_and_cannot_release_the_next_owners_lock()
    {
        // no renewal stands for a holder whose process is frozen (GC pause, SIGSTOP) past its lease
        using var frozenHost = NewInstance(o => o.AutoRenew = false);
        using var otherHost = NewInstance();
        var resource = RedisFixture.Unique("frozen");
        var frozen = await Locks(frozenHost).AcquireAsync(resource, TimeSpan.Zero, lease: TimeSpan.FromMilliseconds(300));

        await TestHosts.EventuallyAsync(() => Task.FromResult(frozen.LeaseLost.IsCancellationRequested), TimeSpan.FromSeconds(3), "LeaseLost should fire when the lease runs out");
        await using var next = await Locks(otherHost).AcquireAsync(resource, TimeSpan.FromSeconds(5));
        Assert.True(next.FencingToken > frozen.FencingToken);

        await frozen.DisposeAsync(); // the stale holder "releases"

        Assert.Null(await Locks(otherHost).TryAcquireAsync(resource, TimeSpan.Zero));
        Assert.True(await next.ExtendAsync());
        Assert.True(next.IsHeld);
    }

    [Fact]
    public async Task Auto_renewal_keeps_the_lock_well_past_its_lease()
    {
        using var host = NewInstance();
        var resource = RedisFixture.Unique("renewed");
        await using var handle = await Locks(host).AcquireAsync(resource, TimeSpan.Zero, lease: TimeSpan.FromMilliseconds(600));

        // renewed, not merely not expired yet: its time to live goes back up six times (every third of a lease), so
        // the lock is held past twice its lease
        var key = $"lock:{resource}";
        var renewals = 0;
        var previous = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(key);
        await TestHosts.EventuallyAsync(async () =>
        {
            var now = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(key);
            renewals += now > previous ? 1 : 0;
            previous = now;
            return renewals >= 6;
        }, TimeSpan.FromSeconds(5), "the lease should be renewed six times");

        Assert.False(handle.LeaseLost.IsCancellationRequested);
        Assert.Null(await Locks(host).TryAcquireAsync(resource, TimeSpan.Zero));
    }

    [Fact]
    public async Task LeaseLost_fires_when_renewal_finds_the_lock_taken_over()
    {
        using var host = NewInstance();
        var resource = RedisFixture.Unique("takeover");
        await using var handle = await Locks(host).AcquireAsync(resource, TimeSpan.Zero, lease: TimeSpan.FromMilliseconds(600));
        await redis.Connection.GetDatabase().StringSetAsync($"lock:{resource}", "someone-else", TimeSpan.FromSeconds(30));

        await TestHosts.EventuallyAsync(() => Task.FromResult(handle.LeaseLost.IsCancellationRequested), TimeSpan.FromSeconds(3), "the renewal should notice the takeover");
        Assert.False(handle.IsHeld);
        Assert.Equal("someone-else", (string?)await redis.Connection.GetDatabase().StringGetAsync($"lock:{resource}"));
    }

    [Fact]
    public async Task Acquisition_gives_up_after_its_wait_timeout()
    {
        using var host = NewInstance();
        var resource = RedisFixture.Unique("busy");
        await using var holder = await Locks(host).AcquireAsync(resource, TimeSpan.Zero);

        var watch = Stopwatch.StartNew();
        Assert.Null(await Locks(host).TryAcquireAsync(resource, TimeSpan.FromMilliseconds(300)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<TimeoutException>(() => Locks(host).AcquireAsync(resource, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task A_released_lock_is_immediately_available_and_its_fence_is_exceeded()
    {
        using var host = NewInstance();
        var resource = RedisFixture.Unique("release");
        long first;
        await using (var handle = await Locks(host).AcquireAsync(resource, TimeSpan.Zero))
        {
            first = handle.FencingToken;
        }

        await using var again = await Locks(host).AcquireAsync(resource, TimeSpan.Zero);
        Assert.True(again.FencingToken > first, $"fence {again.FencingToken} after {first}");
    }

    [Fact]
    public async Task A_fence_counter_has_a_lifetime_and_one_that_expired_restarts_above_every_fence_it_gave()
    {
        using var host = NewInstance();
        var resource = RedisFixture.Unique("fence-ttl");
        long first;
        await using (var handle = await Locks(host).AcquireAsync(resource, TimeSpan.Zero))
        {
            first = handle.FencingToken;
        }

        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"lock:{resource}:fence");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));

        await redis.Connection.GetDatabase().KeyDeleteAsync($"lock:{resource}:fence"); // as if it had expired
        await using var again = await Locks(host).AcquireAsync(resource, TimeSpan.Zero);
        Assert.True(again.FencingToken > first, $"fence {again.FencingToken} after {first}");
    }

    [Fact]
    public async Task A_counter_rolled_back_by_a_failover_still_gives_fences_above_every_fence_given()
    {
        using var host = NewInstance();
        var resource = RedisFixture.Unique("fence-failover");
        var fenceKey = $"lock:{resource}:fence";
        long last = 0;
        for (var i = 0; i < 5; i++)
        {
            await using var handle = await Locks(host).AcquireAsync(resource, TimeSpan.Zero);
            Assert.True(handle.FencingToken > last, $"fence {handle.FencingToken} after {last}");
            last = handle.FencingToken;
        }

        // What a replica that missed the last acquisitions holds when it is promoted: an older value of the counter.
        await redis.Connection.GetDatabase().StringSetAsync(fenceKey, last - 3, TimeSpan.FromDays(7));
        await using var afterFailover = await Locks(host).AcquireAsync(resource, TimeSpan.Zero);
        Assert.True(afterFailover.FencingToken > last, $"fence {afterFailover.FencingToken} after {last}: it went backwards");
        Assert.Equal(afterFailover.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await redis.Connection.GetDatabase().StringGetAsync(fenceKey));
    }
}
