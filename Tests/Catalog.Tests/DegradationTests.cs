namespace Platform.Catalog.Tests;

/// <summary>Redis is an accelerator: without either Redis (the shared one and the cache's own) reads keep answering and
/// /health says Degraded; it all comes back alone.</summary>
[Collection(DegradationCollection.Name)]
public sealed class DegradationTests(DegradationFixture fixture)
{
    [Fact]
    public async Task Reads_survive_a_Redis_outage_health_is_Degraded_and_everything_recovers()
    {
        var ct = TestContext.Current.CancellationToken;
        const int cached = 70_001;
        await fixture.Replica0.GetAsync($"/api/catalog/items/{cached}", ct);
        Assert.Equal("HIT-L1", (await fixture.Replica0.GetAsync($"/api/catalog/items/{cached}", ct)).CacheHeader());

        // the state Redis's replica first: stopped alone, the primary would just fail over to it
        await fixture.App.StopAsync("cache-replica", ct);
        await fixture.App.WaitForStoppedAsync("cache-replica", ct);
        await fixture.App.StopAsync("cache", ct);
        await fixture.App.StopAsync("catalog-cache", ct);
        try
        {
            await TestData.UntilAsync(async () => await HealthStatusAsync(fixture.Replica0, ct) == "Degraded", TimeSpan.FromSeconds(20), "health Degraded");
            Assert.Equal(HttpStatusCode.OK, (await fixture.Replica0.GetAsync("/health", ct)).StatusCode);

            // no 5xx: L1 answers what it holds, the database the rest
            var fromMemory = await fixture.Replica0.GetAsync($"/api/catalog/items/{cached}", ct);
            Assert.Equal(HttpStatusCode.OK, fromMemory.StatusCode);
            Assert.Equal("HIT-L1", fromMemory.CacheHeader());
            for (var id = 70_100; id < 70_110; id++)
            {
                var replica = id % 2 == 0 ? fixture.Replica0 : fixture.Replica1;
                var response = await replica.GetAsync($"/api/catalog/items/{id}", ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("MISS", response.CacheHeader());
            }

            Assert.Equal(HttpStatusCode.OK, (await fixture.Replica1.GetAsync("/api/catalog/items?categoryId=2&limit=5", ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await fixture.Replica1.GetAsync("/api/catalog/bestsellers", ct)).StatusCode);
        }
        finally
        {
            await fixture.App.StartAsync("cache", CancellationToken.None);
            await fixture.App.StartAsync("cache-replica", CancellationToken.None);
            await fixture.App.StartAsync("catalog-cache", CancellationToken.None);
        }

        await fixture.App.WaitForHealthyAsync("cache", TimeSpan.FromSeconds(30), ct);
        await fixture.App.WaitForHealthyAsync("catalog-cache", TimeSpan.FromSeconds(30), ct);
        foreach (var replica in new[] { fixture.Replica0, fixture.Replica1 })
        {
            await TestData.UntilAsync(async () => await HealthStatusAsync(replica, ct) == "Healthy", TimeSpan.FromSeconds(30), "health Healthy again");
        }

        // the distributed level works again: a value one replica computes, the other reads from Redis
        const int after = 70_200;
        await TestData.UntilAsync(
            async () => (await fixture.Replica0.GetAsync($"/api/catalog/items/{after}", ct)).StatusCode == HttpStatusCode.OK
                && (await fixture.Replica1.GetAsync($"/api/catalog/items/{after}", ct)).CacheHeader() is "HIT-L2" or "HIT-L1",
            TimeSpan.FromSeconds(30),
            "L2 hits again");
    }

    /// <summary>The items being ordered are the ones whose stock changes: a reservation must leave their cached copy
    /// for fail-safe, or an order's price read fails exactly when PostgreSQL does (it did: 503 after the order service
    /// retried 15 s).</summary>
    [Fact]
    public async Task A_product_whose_stock_just_changed_is_still_served_while_PostgreSQL_is_down()
    {
        var ct = TestContext.Current.CancellationToken;
        // a seeded product: a new one's creation would drop the copies read here half a second later (its second pass)
        const int itemId = 70_300;
        var before = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{itemId}", ct)).ItemAsync();
        Assert.True(before.AvailableStock > 0);
        Assert.Equal(before, await (await fixture.Replica1.GetAsync($"/api/catalog/items/{itemId}", ct)).ItemAsync());

        await using (var orders = await StandInBus.StartAsync(fixture.App, _ => { }))
        {
            var order = new Contracts.IntegrationEvents.OrderSubmitted(Guid.NewGuid(), "degradation-tests", [new(itemId, 1, before.Price)], before.Price, DateTimeOffset.UtcNow);
            await orders.Publisher.Publish(order, ct);
            await TestData.UntilAsync(async () => await fixture.ScalarAsync<int>($"SELECT available_stock FROM catalog_items WHERE id = {itemId}") == before.AvailableStock - 1, TimeSpan.FromSeconds(30), "the reservation");
        }

        await fixture.App.StopAsync("postgres", ct);
        await fixture.App.WaitForStoppedAsync("postgres", ct);
        try
        {
            // the copy from before the reservation: its stock out of date, its price current, and said to be stale
            // on every read (its own freshness stamp has not passed: the reservation expired it)
            foreach (var replica in new[] { fixture.Replica0, fixture.Replica1, fixture.Replica0 })
            {
                using var response = await replica.GetAsync($"/api/catalog/items/{itemId}", ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(before, await response.ItemAsync());
                Assert.Equal("STALE", response.CacheHeader());
            }
        }
        finally
        {
            await fixture.App.StartAsync("postgres", CancellationToken.None);
        }

        await fixture.App.WaitForHealthyAsync("postgres", TimeSpan.FromSeconds(60), ct);
        await TestData.UntilAsync(async () => (await (await fixture.Replica0.GetAsync($"/api/catalog/items/{itemId}", ct)).ItemAsync()).AvailableStock == before.AvailableStock - 1, TimeSpan.FromSeconds(30), "the current stock again");
    }

    private static async Task<string> HealthStatusAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.GetAsync("/health", ct);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        return body.GetProperty("status").GetString()!;
    }
}
