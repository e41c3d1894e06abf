namespace Platform.Gateway.Tests;

/// <summary>Through the gateway, a buyer sees, streams and acts only as the buyer their token names.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BuyerIsolationTests(GatewayFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_buyer_cannot_see_stream_or_act_for_another_buyer()
    {
        using var alice = fixture.Gateway(fixture.AliceToken);
        using var bob = fixture.Gateway(fixture.BobToken);
        using var aliceStream = await Streams.OpenAsync(fixture.Gateway(fixture.AliceToken), Ct);
        using var bobStream = await Streams.OpenAsync(fixture.Gateway(fixture.BobToken), Ct);

        // alice buys, naming bob in the body: the order is hers all the same
        var aliceOrder = await PlaceAsync(alice, new { buyerId = PlatformApp.Subject(fixture.BobToken), lines = new[] { new { productId = 1, quantity = 1 } } });
        Assert.Equal(PlatformApp.Subject(fixture.AliceToken), (string?)aliceOrder["buyerId"]);
        var aliceOrderId = (string)aliceOrder["id"]!;
        Assert.Equal(aliceOrderId, (string?)(await Streams.NextNotificationAsync(aliceStream, Patience, Ct))["orderId"]);

        // bob can neither read it nor find it in his list
        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await bob.GetAsync($"/api/orders/{aliceOrderId}", Ct));
        var bobsOrders = JsonNode.Parse(await bob.GetStringAsync("/api/orders?limit=100", Ct))!.AsArray();
        Assert.DoesNotContain(bobsOrders, o => (string?)o!["id"] == aliceOrderId);

        // bob's stream never carried alice's notification: the first thing it carries is bob's own order
        var bobOrderId = (string)(await PlaceAsync(bob, new { lines = new[] { new { productId = 1, quantity = 1 } } }))["id"]!;
        Assert.Equal(bobOrderId, (string?)(await Streams.NextNotificationAsync(bobStream, Patience, Ct))["orderId"]);
        var bobsFeed = JsonNode.Parse(await bob.GetStringAsync("/api/notifications", Ct))!.AsArray();
        Assert.DoesNotContain(bobsFeed, n => (string?)n!["orderId"] == aliceOrderId);
        Assert.Contains(bobsFeed, n => (string?)n!["orderId"] == bobOrderId);

        // a query naming another buyer changes nothing either
        var viaQuery = JsonNode.Parse(await bob.GetStringAsync($"/api/notifications?buyer={PlatformApp.Subject(fixture.AliceToken)}", Ct))!.AsArray();
        Assert.DoesNotContain(viaQuery, n => (string?)n!["orderId"] == aliceOrderId);
    }

    private static async Task<JsonNode> PlaceAsync(HttpClient gateway, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await gateway.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }
}
