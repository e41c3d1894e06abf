using StackExchange.Redis;

namespace Platform.Gateway.Tests;

/// <summary>A buyer's feed in Redis is a copy of PostgreSQL's newest rows that lapses after a quiet day: the
/// notification that comes next must bring back the whole feed, not start one that hides the older entries.</summary>
[Collection(GatewayCollection.Name)]
public sealed class NotificationFeedTests(GatewayFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_feed_that_lapsed_is_rebuilt_whole_by_the_next_notification_and_lives_a_day()
    {
        var token = await fixture.Buyers.TokenAsync(fixture.App, $"feed-{Guid.NewGuid():N}", Ct);
        using var buyer = fixture.PatientGateway(token);
        var first = await PlaceAsync(buyer);
        var before = await WaitForEndAsync(buyer, first);

        // the feed lapses, as it does after a day without a notification
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.ConnectionStringAsync("cache", Ct));
        var feedKey = $"notifications:feed:{PlatformApp.Subject(token)}";
        Assert.True(await redis.GetDatabase().KeyDeleteAsync(feedKey));

        var second = await PlaceAsync(buyer);
        var after = await WaitForEndAsync(buyer, second);
        var ids = after.Select(n => (string)n!["id"]!).ToList();
        Assert.All(before, n => Assert.Contains((string)n!["id"]!, ids));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.InRange((await redis.GetDatabase().KeyTimeToLiveAsync(feedKey))!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
    }

    private static async Task<string> PlaceAsync(HttpClient buyer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await buyer.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["id"]!;
    }

    /// <summary>The buyer's feed once it tells the order's end (confirmed or cancelled).</summary>
    private static async Task<JsonArray> WaitForEndAsync(HttpClient buyer, string orderId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var feed = JsonNode.Parse(await buyer.GetStringAsync("/api/notifications", Ct))!.AsArray();
            if (feed.Any(n => (string?)n!["orderId"] == orderId && (string?)n["kind"] is "OrderConfirmed" or "OrderCancelled"))
            {
                return feed;
            }

            Assert.True(DateTime.UtcNow < deadline, $"order {orderId} never ended in the feed: {feed.ToJsonString()}");
            await Task.Delay(200, Ct);
        }
    }
}
