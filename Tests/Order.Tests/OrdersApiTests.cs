using System.Net;
using Xunit;

namespace Platform.Order.Tests;

[Collection(OrderServiceCollection.Name)]
public sealed class OrdersApiTests(OrderServiceFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("not-a-guid")] // the route takes GUIDs only, so this path names no order
    [InlineData("5b0d8f3e-0000-4000-8000-000000000000")]
    public async Task A_path_that_names_no_order_is_a_404_problem(string id)
    {
        using var response = await fixture.Orders.GetAsync($"/api/orders/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/orders")]
    [InlineData("/api/orders?buyer=b&limit=0")]
    [InlineData("/api/orders?buyer=b&limit=101")]
    public async Task A_listing_without_a_buyer_or_with_a_bad_limit_is_a_400_problem(string url)
    {
        using var response = await fixture.Orders.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_order_without_an_Idempotency_Key_is_a_400_problem()
    {
        using var response = await fixture.Orders.PostAsync("/api/orders",
            System.Net.Http.Json.JsonContent.Create(new { buyerId = "b", lines = new[] { new { productId = 1, quantity = 1 } } }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
