using System.Text.Json;
using StackExchange.Redis;

namespace Platform.Gateway.Tests;

/// <summary>A live stream rides on Redis pub/sub, which can miss a message (a failover leaves a subscription behind);
/// the buyer's feed, written in the same round trip as the publish, fills the gap, and no notification is sent twice.</summary>
[Collection(GatewayCollection.Name)]
public sealed class NotificationStreamTests(GatewayFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_notification_pub_sub_missed_reaches_the_stream_from_the_feed_and_none_is_sent_twice()
    {
        var token = await fixture.Buyers.TokenAsync(fixture.App, $"stream-{Guid.NewGuid():N}", Ct);
        var buyer = PlatformApp.Subject(token);
        using var stream = await Streams.OpenAsync(fixture.Gateway(token), Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.ConnectionStringAsync("cache", Ct));
        var db = redis.GetDatabase();
        var feed = $"notifications:feed:{buyer}";
        var channel = RedisChannel.Literal($"notifications:live:{buyer}");

        // one published as the service does (feed and channel), one only written to the feed: its publish was missed
        var published = Notification(buyer, "published");
        await db.SortedSetAddAsync(feed, published.Json, published.Score);
        Assert.True(await redis.GetSubscriber().PublishAsync(channel, published.Json) > 0, "no stream listens to the buyer's channel");
        var missed = Notification(buyer, "missed");
        await db.SortedSetAddAsync(feed, missed.Json, missed.Score);
        await db.KeyExpireAsync(feed, TimeSpan.FromDays(1));

        Assert.Equal(published.Id, Id(await Streams.NextNotificationAsync(stream, Patience, Ct)));
        Assert.Equal(missed.Id, Id(await Streams.NextNotificationAsync(stream, Patience, Ct)));

        // the feed also held the published one: a marker published now is the next event, not a second copy
        var marker = Notification(buyer, "marker");
        await redis.GetSubscriber().PublishAsync(channel, marker.Json);
        Assert.Equal(marker.Id, Id(await Streams.NextNotificationAsync(stream, Patience, Ct)));
    }

    [Fact]
    public async Task A_stream_whose_lease_is_gone_ends_so_that_the_buyers_cap_holds()
    {
        // a lease lapses when Redis is away longer than its lifetime; taking it back could exceed the cap
        var token = await fixture.Buyers.TokenAsync(fixture.App, $"lapsed-{Guid.NewGuid():N}", Ct);
        using var stream = await Streams.OpenAsync(fixture.Gateway(token), Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.ConnectionStringAsync("cache", Ct));
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"notifications:streams:{PlatformApp.Subject(token)}"));

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(Platform.Notification.Infrastructure.StreamLeases.RenewEvery * 2); // the first keep-alive renews, and finds it gone
        while (await stream.Reader.ReadLineAsync(patience.Token) is { } line)
        {
            Assert.False(line.StartsWith("event:", StringComparison.Ordinal), $"unexpected {line}");
        }
    }

    [Theory]
    [InlineData(1_000_900L, 900.0)] // 15 minutes left
    [InlineData(999_000L, 0.0)] // expired
    [InlineData(999_999_999_999L, 86_400.0)] // at most a day
    [InlineData(null, 0.0)] // no expiry: nothing to keep open
    public void A_stream_lasts_as_long_as_its_token(long? exp, double seconds)
    {
        var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            exp is null ? [] : [new System.Security.Claims.Claim("exp", exp.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));

        Assert.Equal(TimeSpan.FromSeconds(seconds), Platform.Notification.Infrastructure.TokenLifetime.Remaining(user, DateTimeOffset.FromUnixTimeSeconds(1_000_000)));
    }

    private static (string Id, string Json, double Score) Notification(string buyer, string message)
    {
        var id = Guid.NewGuid().ToString();
        var at = DateTimeOffset.UtcNow;
        var json = JsonSerializer.Serialize(new { id, buyerId = buyer, orderId = Guid.NewGuid(), kind = "OrderSubmitted", message, createdAt = at });
        return (id, json, at.ToUnixTimeMilliseconds());
    }

    private static string? Id(JsonNode notification) => (string?)notification["id"];
}
