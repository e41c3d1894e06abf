using System.Net;
using System.Net.Http.Json;
using Npgsql;
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
        await AssertProblemAsync(HttpStatusCode.NotFound, response);
    }

    [Theory]
    [InlineData("/api/orders?limit=0")]
    [InlineData("/api/orders?limit=101")]
    public async Task A_listing_with_a_bad_limit_is_a_400_problem(string url)
    {
        using var response = await fixture.Orders.GetAsync(url, Ct);
        await AssertProblemAsync(HttpStatusCode.BadRequest, response);
    }

    [Theory]
    [InlineData("""{"lines":[null]}""")] // found by FuzzTests (seed 51821627): it was a 500
    [InlineData("""{"lines":[{"productId":1,"quantity":1},null]}""")]
    [InlineData("""{"lines":null}""")]
    public async Task An_order_with_null_lines_is_a_400_problem(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await fixture.Orders.SendAsync(request, Ct);
        await AssertProblemAsync(HttpStatusCode.BadRequest, response);
    }

    [Fact]
    public async Task An_order_without_an_Idempotency_Key_is_a_400_problem()
    {
        using var response = await fixture.Orders.PostAsync("/api/orders", JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }), Ct);
        await AssertProblemAsync(HttpStatusCode.BadRequest, response);
    }

    [Theory]
    [InlineData("buy|1")] // the waiting room keeps the key in a '|'-delimited record
    [InlineData("buy\t1")] // inside: a server trims the ends of a header
    [InlineData("clé")]
    public async Task An_order_whose_Idempotency_Key_breaks_the_rule_is_a_400_problem(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await fixture.Orders.SendAsync(request, Ct);
        await AssertProblemAsync(HttpStatusCode.BadRequest, response);
        Assert.Contains("'|'", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_every_order_endpoint_is_a_401_problem()
    {
        using var list = await fixture.Anonymous.GetAsync("/api/orders", Ct);
        using var one = await fixture.Anonymous.GetAsync($"/api/orders/{Guid.NewGuid()}", Ct);
        using var place = await fixture.Anonymous.PostAsync("/api/orders", JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }), Ct);

        await AssertProblemAsync(HttpStatusCode.Unauthorized, list);
        await AssertProblemAsync(HttpStatusCode.Unauthorized, one);
        await AssertProblemAsync(HttpStatusCode.Unauthorized, place);
    }

    [Fact]
    public async Task A_buyer_never_sees_another_buyers_order_which_is_not_found_rather_than_forbidden()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            // the body names bob as the buyer: ignored, the buyer is the token's subject
            Content = JsonContent.Create(new { buyerId = "bob", lines = new[] { new { productId = 1, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var placed = await fixture.Orders.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var order = (await placed.Content.ReadFromJsonAsync<OrderView>(Ct))!;
        Assert.Equal(fixture.AliceId, order.BuyerId);

        using var bobReads = await fixture.BobOrders.GetAsync($"/api/orders/{order.Id}", Ct);
        await AssertProblemAsync(HttpStatusCode.NotFound, bobReads);
        var bobsList = await fixture.BobOrders.GetFromJsonAsync<List<OrderView>>("/api/orders?limit=100", Ct);
        Assert.DoesNotContain(bobsList!, o => o.Id == order.Id);

        Assert.Equal(order.Id, (await fixture.Orders.GetFromJsonAsync<OrderView>($"/api/orders/{order.Id}", Ct))!.Id);
        var alicesList = await fixture.Orders.GetFromJsonAsync<List<OrderView>>("/api/orders?limit=100", Ct);
        Assert.Contains(alicesList!, o => o.Id == order.Id);
        Assert.All(alicesList!, o => Assert.Equal(fixture.AliceId, o.BuyerId));
    }

    [Fact]
    public async Task A_buyers_list_holds_each_order_with_its_lines_exactly_as_reading_it_alone_does()
    {
        var placed = new List<Guid>();
        foreach (var quantity in new[] { 1, 2, 3 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = JsonContent.Create(new { lines = new[] { new { productId = 1, quantity }, new { productId = 2, quantity = quantity + 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await fixture.Orders.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            placed.Add((await response.Content.ReadFromJsonAsync<OrderView>(Ct))!.Id);
        }

        var list = System.Text.Json.Nodes.JsonNode.Parse(await fixture.Orders.GetStringAsync("/api/orders?limit=3", Ct))!.AsArray();
        // newest first, and each entry (lines included) is what GET /api/orders/{id} answers
        Assert.Equal(placed.AsEnumerable().Reverse().Select(id => id.ToString()), list.Select(o => (string)o!["id"]!));
        foreach (var entry in list)
        {
            var alone = System.Text.Json.Nodes.JsonNode.Parse(await fixture.Orders.GetStringAsync($"/api/orders/{entry!["id"]}", Ct))!;
            foreach (var moving in new[] { "status", "statusReason", "updatedAt" })
            {
                // the flow may move an order on between the two reads
                entry.AsObject().Remove(moving);
                alone.AsObject().Remove(moving);
            }

            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(entry, alone), $"list: {entry.ToJsonString()}\nalone: {alone.ToJsonString()}");
            Assert.Equal(2, entry["lines"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task A_buyer_holding_the_most_open_orders_places_none_until_one_ends()
    {
        var cap = new Platform.Order.Options.OrderingOptions().MaxOpenOrdersPerBuyer;
        var token = await fixture.Buyers.TokenAsync(fixture.App, $"open-{Guid.NewGuid():N}", Ct);
        var buyerId = Platform.Testing.PlatformApp.Subject(token);
        using var buyer = fixture.App.CreateAuthorizedClient("order", token);
        // the open orders written as the buyer's, so that no stock rejection or payment ends one meanwhile
        var open = new List<Guid>();
        for (var i = 0; i < cap; i++)
        {
            var id = Guid.NewGuid();
            await using var insert = fixture.OrderDb.CreateCommand(
                "INSERT INTO orders (id, buyer_id, status, total, idempotency_key, request_hash) VALUES ($1, $2, $3, 1, $4, 'h')");
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = buyerId });
            insert.Parameters.Add(new NpgsqlParameter { Value = i % 2 == 0 ? "Pending" : "StockReserved" });
            insert.Parameters.Add(new NpgsqlParameter { Value = $"open-{i}" });
            await insert.ExecuteNonQueryAsync(Ct);
            open.Add(id);
        }

        var key = Guid.NewGuid().ToString();
        using (var refused = await PlaceAsync(buyer, key))
        {
            await AssertProblemAsync(HttpStatusCode.TooManyRequests, refused);
            Assert.Contains("Too many open orders", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await using (var end = fixture.OrderDb.CreateCommand("UPDATE orders SET status = 'Cancelled' WHERE id = $1"))
        {
            end.Parameters.Add(new NpgsqlParameter { Value = open[0] });
            await end.ExecuteNonQueryAsync(Ct);
        }

        using var placed = await PlaceAsync(buyer, key);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        using var replayed = await PlaceAsync(buyer, key); // over the cap again, a replay still answers
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
    }

    private static async Task<HttpResponseMessage> PlaceAsync(HttpClient buyer, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }) };
        request.Headers.Add("Idempotency-Key", key);
        return await buyer.SendAsync(request, Ct);
    }

    private static async Task AssertProblemAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed record OrderView(Guid Id, string BuyerId);
}
