namespace Platform.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class ApiReferenceTests(GatewayFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_gateway_serves_one_reference_over_every_services_document_with_its_security_scheme()
    {
        using var gateway = fixture.Gateway();
        using var page = await gateway.GetAsync("/api-reference", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        var expected = new Dictionary<string, string>
        {
            ["catalog"] = "/api/catalog/items/{id}",
            ["order"] = "/api/orders",
            ["notification"] = "/api/notifications/stream",
            ["payment"] = "/api/payments/{orderId}",
            ["v1"] = "/api/queue/{saleId}/status",
        };
        foreach (var (service, path) in expected)
        {
            var document = JsonNode.Parse(await gateway.GetStringAsync($"/openapi/{service}.json", Ct))!;
            Assert.NotNull(document["paths"]?[path]);
            Assert.Equal("oauth2", (string?)document["components"]?["securitySchemes"]?["oauth2"]?["type"]);
        }

        // what needs a token says which, and the problem answers are described
        var orders = JsonNode.Parse(await gateway.GetStringAsync("/openapi/order.json", Ct))!["paths"]!["/api/orders"]!["post"]!;
        Assert.NotNull(orders["security"]);
        Assert.NotNull(orders["responses"]!["401"]);
        var prices = JsonNode.Parse(await gateway.GetStringAsync("/openapi/catalog.json", Ct))!["paths"]!["/api/catalog/internal/prices"]!["get"]!;
        Assert.Equal("catalog.internal", (string?)prices["security"]![0]!["oauth2"]![0]);

        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await gateway.GetAsync("/openapi/identity-keys.json", Ct));
    }
}
