using Microsoft.Extensions.Options;
using Platform.Gateway.Options;
using Platform.Gateway.WaitingRoom;
using StackExchange.Redis;

namespace Platform.Gateway.Tests;

/// <summary>The waiting room's scripts against a real redis-server: the guarantees that do not need the whole system.</summary>
public sealed class WaitingRoomStoreTests : IAsyncLifetime
{
    private RedisServer _server = null!;
    private IConnectionMultiplexer _redis = null!;
    private WaitingRoomStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await _server.ConnectAsync();
        _store = new WaitingRoomStore(_redis, Microsoft.Extensions.Options.Options.Create(new WaitingRoomOptions { MaxSales = 5, AdmitBatch = 100, MaxBuyersAcrossSales = long.MaxValue }));
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_admitter_with_an_older_fence_admits_nobody()
    {
        var sale = await OpenAsync(rate: 50, buyers: 200);
        await AdmitUntilAsync(sale, fence: 100, admitted: 1);

        var before = await AdmittedAsync(sale);
        Assert.Null(await _store.AdmitAsync(sale, fence: 99));
        Assert.Equal(before, await AdmittedAsync(sale));
        await AdmitUntilAsync(sale, fence: 101, admitted: before + 1);
        Assert.True(await AdmittedAsync(sale) > before);
    }

    [Fact]
    public async Task Admission_never_outruns_the_rate_whoever_admits()
    {
        const double Rate = 20;
        var started = DateTimeOffset.UtcNow;
        var sale = await OpenAsync(rate: Rate, buyers: 200);
        var fence = 1L;
        // admitters take turns (a new fence each time), stepping as fast as they can: the clock in the sale paces them all
        while (DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(1.5))
        {
            await _store.AdmitAsync(sale, fence++);
        }

        var elapsed = (DateTimeOffset.UtcNow - started).TotalSeconds;
        var admitted = await AdmittedAsync(sale);
        Assert.InRange(admitted, 1, (long)Math.Floor(Rate * elapsed) + 1);
    }

    [Fact]
    public async Task A_cap_holds_places_until_an_admission_lapses()
    {
        var sale = Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(SaleCreation.Created, await _store.CreateAsync(sale, [1], 1000, null, cap: 2, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));
        for (var i = 0; i < 5; i++)
        {
            await _store.JoinAsync(sale, $"buyer-{i}");
        }

        await AdmitUntilAsync(sale, fence: 1, admitted: 2);
        Assert.Equal(2, await AdmittedAsync(sale));
        Assert.Equal(ClaimOutcome.Claimed, await _store.ClaimAsync(sale, "buyer-0", "k"));
        await _store.SettleAsync(sale, "buyer-0", "k", ordered: true);

        // buyer-1's admission lapses unused after 1 s: its place goes to buyer-2, never a third at once
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await AdmittedAsync(sale) < 3 && DateTime.UtcNow < deadline)
        {
            await _store.AdmitAsync(sale, 1);
            await Task.Delay(50, Ct);
        }

        Assert.Equal(3, await AdmittedAsync(sale));
        Assert.Equal('L', (await _store.AdmissionAsync(sale, "buyer-1"))!.Value.State);
        Assert.Equal('A', (await _store.AdmissionAsync(sale, "buyer-2"))!.Value.State);
        Assert.Null(await _store.AdmissionAsync(sale, "buyer-3"));
    }

    [Fact]
    public async Task Concurrent_orders_with_one_admission_take_it_once()
    {
        var sale = await OpenAsync(rate: 1000, buyers: 1);
        await AdmitUntilAsync(sale, fence: 1, admitted: 1);

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _store.ClaimAsync(sale, "buyer-0", $"key-{i}")));

        Assert.Single(claims, c => c == ClaimOutcome.Claimed);
        Assert.Equal(19, claims.Count(c => c == ClaimOutcome.Used));
        var winner = $"key-{Array.IndexOf(claims, ClaimOutcome.Claimed)}";
        Assert.Equal(ClaimOutcome.SameOrder, await _store.ClaimAsync(sale, "buyer-0", winner));
        // refused by the order service: the admission is given back for another try
        await _store.SettleAsync(sale, "buyer-0", winner, ordered: false);
        Assert.Equal(ClaimOutcome.Claimed, await _store.ClaimAsync(sale, "buyer-0", "another-key"));
    }

    [Fact]
    public async Task Every_key_of_a_sale_expires_and_the_number_of_sales_is_bounded()
    {
        var sale = await OpenAsync(rate: 10, buyers: 50);
        await AdmitUntilAsync(sale, fence: 1, admitted: 1);
        await _store.HeartbeatAsync(sale, ["buyer-5"]);

        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        var keys = server.Keys(pattern: $"wr:{{{sale}}}:*").ToList();
        Assert.Equal(6, keys.Count);
        foreach (var key in keys)
        {
            var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromHours(1), $"{key} lives {ttl}");
        }

        // closing shortens every key's life to the retention; the registry holds at most MaxSales (5) sales
        Assert.True(await _store.CloseAsync(sale));
        for (var i = 0; i < 10; i++)
        {
            await _store.CreateAsync($"more-{i}", [i + 100], 1, null, 0, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        }

        Assert.Equal(5, await _redis.GetDatabase().SetLengthAsync("wr:sales"));
    }

    [Fact]
    public async Task A_sale_takes_at_most_its_buyers_and_all_sales_together_at_most_the_waiting_rooms()
    {
        // a Redis of its own: the budget counts every sale in the registry
        await using var server = await RedisServer.StartAsync();
        using var redis = await server.ConnectAsync();
        var store = new WaitingRoomStore(redis, Microsoft.Extensions.Options.Options.Create(new WaitingRoomOptions { MaxBuyersPerSale = 3, MaxBuyersAcrossSales = 5 }));
        var hour = TimeSpan.FromHours(1);

        Assert.Equal(SaleCreation.Created, await store.CreateAsync("big", [1], 1, null, 0, hour, hour, hour)); // 3, the default
        Assert.Equal(SaleCreation.OverBuyerBudget, await store.CreateAsync("second", [2], 1, null, 0, hour, hour, hour, buyers: 3));
        Assert.Equal(SaleCreation.Created, await store.CreateAsync("second", [2], 1, null, 0, hour, hour, hour, buyers: 2));
        Assert.Equal(SaleCreation.Exists, await store.CreateAsync("second", [3], 1, null, 0, hour, hour, hour, buyers: 0));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(JoinOutcome.Joined, (await store.JoinAsync("big", $"buyer-{i}")).Outcome);
        }

        Assert.Equal(JoinOutcome.Full, (await store.JoinAsync("big", "buyer-3")).Outcome);
        Assert.Equal(JoinOutcome.AlreadyJoined, (await store.JoinAsync("big", "buyer-1")).Outcome); // one already in is never refused
    }

    private async Task<string> OpenAsync(double rate, int buyers)
    {
        var sale = Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(SaleCreation.Created, await _store.CreateAsync(sale, [1], rate, null, 0, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)));
        for (var i = 0; i < buyers; i++)
        {
            Assert.Equal((JoinOutcome.Joined, i + 1L, (string?)null), await _store.JoinAsync(sale, $"buyer-{i}"));
        }

        return sale;
    }

    private async Task<long> AdmittedAsync(string sale) =>
        (long)await _redis.GetDatabase().HashGetAsync(new SaleKeys(sale).Sale, "admitted");

    /// <summary>Admissions accrue from the sale's start at its rate, on Redis's clock: the admitter (this fence) runs
    /// until at least <paramref name="admitted"/> are in, as the gateway's admitter would on its next passes.</summary>
    private async Task AdmitUntilAsync(string sale, long fence, long admitted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            Assert.NotNull(await _store.AdmitAsync(sale, fence));
            if (await AdmittedAsync(sale) >= admitted)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"fewer than {admitted} admitted within 10 s");
            await Task.Delay(10, Ct);
        }
    }
}
