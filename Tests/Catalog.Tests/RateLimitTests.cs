using System.Diagnostics;

namespace Platform.Catalog.Tests;

[Collection(RateLimitCollection.Name)]
public sealed class RateLimitTests(RateLimitFixture fixture)
{
    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_Retry_After_across_both_replicas_while_health_and_prices_are_not_limited()
    {
        var elapsed = Stopwatch.StartNew();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 60; i++)
        {
            var response = await (i % 2 == 0 ? fixture.Replica0 : fixture.Replica1).GetAsync($"/api/catalog/items/{1 + i}");
            statuses.Add(response.StatusCode);
            rejected ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        var allowed = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.Equal(60, allowed + statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(rejected);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        // the limiter's bound: limit + burst per window, shared by the replicas (slack of one window for timing)
        var bound = (RateLimitFixture.PermitsPerSecond * (elapsed.Elapsed.TotalSeconds + 1)) + RateLimitFixture.PermitsPerSecond;
        Assert.True(allowed <= bound, $"{allowed} allowed in {elapsed.Elapsed.TotalSeconds:F1} s, bound {bound:F0}");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Replica0.GetAsync("/health")).StatusCode);
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await (i % 2 == 0 ? fixture.ServiceReplica0 : fixture.ServiceReplica1).GetAsync($"/api/catalog/internal/prices?ids={1 + i}")).StatusCode);
        }
    }
}
