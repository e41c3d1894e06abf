namespace Platform.EndToEnd.Tests;

/// <summary>The purchase flow under contention and a misbehaving payment provider, through the real services.</summary>
[Collection(AppHostCollection.Name)]
public sealed class OrderFlowFaultTests(AppHostFixture fixture)
{
    private const string BreakerOpened = "Circuit breaker of HttpClient 'PaymentProviderClient' opened";
    private const string BreakerClosed = "Circuit breaker of HttpClient 'PaymentProviderClient' closed";

    [Fact]
    public async Task Five_hundred_concurrent_orders_for_one_hundred_units_confirm_exactly_one_hundred()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        var itemId = await shop.CreateItemAsync(stock: 100, ct);

        using var gate = new SemaphoreSlim(64);
        var placed = await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await shop.PlaceAsync(itemId, ct);
            }
            finally
            {
                gate.Release();
            }
        }));

        var final = await shop.WaitForFinalAsync(placed, ct);
        Assert.Equal(100, final.Count(s => s == "confirmed"));
        Assert.Equal(400, final.Count(s => s == "cancelled"));
        Assert.Equal(0, await shop.StockAsync(itemId, ct));
    }

    [Fact]
    public async Task When_the_provider_declines_every_charge_orders_are_cancelled_and_their_stock_released()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        var itemId = await shop.CreateItemAsync(stock: 5, ct);
        await using (await shop.ProviderBehavesAsync(latencyMs: 5, failureRate: 0, declineRate: 1, ct))
        {
            var placed = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => shop.PlaceAsync(itemId, ct)));

            var final = await shop.WaitForFinalAsync(placed, ct);
            Assert.All(final, s => Assert.Equal("cancelled", s));
            await Shop.WaitUntilAsync(async () => await shop.StockAsync(itemId, ct) == 5, ct);
        }
    }

    [Fact]
    public async Task When_the_provider_fails_every_call_payments_wait_then_orders_are_cancelled_uncharged_and_stock_released()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        var itemId = await shop.CreateItemAsync(stock: 5, ct);
        await using (await shop.ProviderBehavesAsync(latencyMs: 5, failureRate: 1, declineRate: 0, ct))
        {
            var mark = fixture.App.LogMark();
            var placed = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => shop.PlaceAsync(itemId, ct)));

            // An unavailable provider is waited out (Payment:GiveUpAfter), not turned into a failure at once: each
            // payment is tried, found undecided and tried again, and its order still waits.
            foreach (var id in placed)
            {
                await fixture.App.WaitForLogAsync("payment", $"Order {id}: payment not decided", mark, TimeSpan.FromSeconds(30), count: 2, ct);
                Assert.False(Shop.IsFinal(await shop.StatusAsync(id, ct)), $"order {id} was decided while the provider was only unavailable");
            }

            var final = await shop.WaitForFinalAsync(placed, ct);
            Assert.All(final, s => Assert.Equal("cancelled", s));
            await Shop.WaitUntilAsync(async () => await shop.StockAsync(itemId, ct) == 5, ct);
            var charges = await shop.ChargesByKeyAsync(ct);
            Assert.All(placed, id => Assert.False(charges.ContainsKey($"order-{id}"), $"order {id} was charged"));
        }
    }

    [Fact]
    public async Task A_slow_provider_opens_the_breaker_orders_wait_and_once_it_recovers_each_is_confirmed_and_charged_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        var itemId = await shop.CreateItemAsync(stock: 30, ct);
        // the log is a ring (old lines fall out), so look for lines after a sequence number rather than count them
        var mark = fixture.App.LogMark();
        bool LoggedSinceMark(string text) => fixture.App.Logs("payment", mark).Any(l => l.Text.Contains(text, StringComparison.Ordinal));
        string[] placed;

        // Far slower than the payment client's attempts (1.5 s in the fixture): every attempt times out, and none can
        // be answered by a quick replay of a charge already made, so failures pile up until they outweigh whatever
        // successes earlier tests left in the breaker's 30 s sampling window (up to 100 after the rush test), well
        // within the payments' deadline: 24 orders fail about 10 attempts a second.
        await using (await shop.ProviderBehavesAsync(latencyMs: 30_000, failureRate: 0, declineRate: 0, ct))
        {
            placed = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => shop.PlaceAsync(itemId, ct)));
            await Shop.WaitUntilAsync(() => Task.FromResult(LoggedSinceMark(BreakerOpened)), ct, TimeSpan.FromSeconds(30));
            foreach (var id in placed)
            {
                Assert.False(Shop.IsFinal(await shop.StatusAsync(id, ct)), $"order {id} was decided while the breaker was open");
            }
        }

        var final = await shop.WaitForFinalAsync(placed, ct);
        Assert.All(final, s => Assert.Equal("confirmed", s));
        Assert.Equal(30 - placed.Length, await shop.StockAsync(itemId, ct));
        // Timed-out attempts reached the provider too; its idempotency key made each order one charge.
        var charges = await shop.ChargesByKeyAsync(ct);
        Assert.All(placed, id => Assert.Equal(1, charges.GetValueOrDefault($"order-{id}")));
        await Shop.WaitUntilAsync(() => Task.FromResult(LoggedSinceMark(BreakerClosed)), ct, TimeSpan.FromSeconds(30));
    }
}
