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

    private static async Task<string> HealthStatusAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.GetAsync("/health", ct);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        return body.GetProperty("status").GetString()!;
    }
}
