using StackExchange.Redis;

namespace Platform.EndToEnd.Tests;

/// <summary>Redis holds nothing forever: after the system has done its work (orders, payments, notifications, the
/// catalog's cache, limits, locks), every key in it has a time to live.</summary>
[Collection(AppHostCollection.Name)]
public sealed class RedisKeyLifetimeTests(AppHostFixture fixture)
{
    /// <summary>Keys bounded by construction rather than by time (docs/reliability.md lists them).</summary>
    private static readonly Dictionary<string, string> Bounded = new()
    {
        ["catalog:bestsellers"] = "one sorted set with at most one member per catalog product",
        ["wr:sales"] = "the waiting room's registry of sales: at most 100 sale ids, each removed when its sale's keys expire",
    };

    [Fact]
    public async Task After_a_purchase_every_Redis_key_has_a_lifetime()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        var itemId = await shop.CreateItemAsync(stock: 5, ct);
        var orderId = await shop.PlaceAsync(itemId, ct);
        Assert.Equal("confirmed", (await shop.WaitForFinalAsync([orderId], ct))[0]);
        await shop.Order.GetStringAsync("/api/notifications", ct);
        await shop.Catalog.GetStringAsync("/api/catalog/items?limit=5", ct);
        await shop.Catalog.GetStringAsync("/api/catalog/items/search?q=kettle", ct);
        await shop.Catalog.GetStringAsync($"/api/catalog/items/{itemId}", ct);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            RedisConnection(await fixture.App.ConnectionStringAsync("cache", ct)));
        var server = await RedisPrimary.WaitAsync(redis, ct);
        var forever = new List<string>();
        var keys = 0;
        await foreach (var key in server.KeysAsync(pageSize: 1000))
        {
            keys++;
            if (!Bounded.ContainsKey(key.ToString()) && await redis.GetDatabase().KeyTimeToLiveAsync(key) is null && await redis.GetDatabase().KeyExistsAsync(key))
            {
                forever.Add(key.ToString());
            }
        }

        Assert.True(keys > 0, "Redis held no keys at all: the test saw nothing");
        Assert.True(forever.Count == 0, $"{forever.Count} of {keys} keys have no lifetime, e.g. {string.Join(", ", forever.Take(10))}");
    }

    /// <summary>Aspire's connection string for Redis is StackExchange.Redis's own format; admin for SCAN.</summary>
    private static string RedisConnection(string connectionString) => connectionString + ",allowAdmin=true";
}
