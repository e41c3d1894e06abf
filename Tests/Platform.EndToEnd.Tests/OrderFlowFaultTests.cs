using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Platform.EndToEnd.Tests;

/// <summary>The purchase flow under contention and a failing payment provider, through the real services.</summary>
[Collection(AppHostCollection.Name)]
public sealed class OrderFlowFaultTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Five_hundred_concurrent_orders_for_one_hundred_units_confirm_exactly_one_hundred()
    {
        var ct = TestContext.Current.CancellationToken;
        using var catalog = fixture.App.CreateHttpClient("catalog");
        using var order = fixture.App.CreateHttpClient("order");
        var itemId = await CreateItemAsync(catalog, stock: 100, ct);

        using var gate = new SemaphoreSlim(64);
        var placed = await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await PlaceAsync(order, $"rush-{i}", itemId, ct);
            }
            finally
            {
                gate.Release();
            }
        }));

        var final = await WaitForFinalAsync(order, placed, ct);
        Assert.Equal(100, final.Count(s => s == "confirmed"));
        Assert.Equal(400, final.Count(s => s == "cancelled"));
        Assert.Equal(0, await StockAsync(catalog, itemId, ct));
    }

    [Fact]
    public async Task When_the_provider_declines_every_charge_orders_are_cancelled_and_their_stock_released()
    {
        var ct = TestContext.Current.CancellationToken;
        using var catalog = fixture.App.CreateHttpClient("catalog");
        using var order = fixture.App.CreateHttpClient("order");
        using var provider = fixture.App.CreateHttpClient("payment-provider");
        var itemId = await CreateItemAsync(catalog, stock: 5, ct);
        var normal = await provider.GetStringAsync("/admin/behaviour", ct);
        (await provider.PutAsJsonAsync("/admin/behaviour", new { latencyMs = 5, failureRate = 0.0, declineRate = 1.0 }, ct)).EnsureSuccessStatusCode();
        try
        {
            var placed = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => PlaceAsync(order, $"declined-{i}", itemId, ct)));

            var final = await WaitForFinalAsync(order, placed, ct);
            Assert.All(final, s => Assert.Equal("cancelled", s));
            await WaitUntilAsync(async () => await StockAsync(catalog, itemId, ct) == 5, ct);
        }
        finally
        {
            using var restore = new StringContent(normal, System.Text.Encoding.UTF8, "application/json");
            (await provider.PutAsync("/admin/behaviour", restore, ct)).EnsureSuccessStatusCode();
        }
    }

    private static async Task<int> CreateItemAsync(HttpClient catalog, int stock, CancellationToken ct)
    {
        using var response = await catalog.PostAsJsonAsync("/api/catalog/items", new
        {
            name = $"e2e item {Guid.NewGuid():N}",
            description = "made by an end-to-end test",
            price = 12.50m,
            brandId = 1,
            categoryId = 1,
            availableStock = stock,
        }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (int)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["id"]!;
    }

    private static async Task<string> PlaceAsync(HttpClient order, string buyer, int itemId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { buyerId = buyer, lines = new[] { new { productId = itemId, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await order.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["id"]!;
    }

    private static async Task<string[]> WaitForFinalAsync(HttpClient order, string[] orderIds, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Settle;
        var statuses = new string[orderIds.Length];
        while (true)
        {
            for (var i = 0; i < orderIds.Length; i++)
            {
                if (statuses[i] is not ("confirmed" or "cancelled"))
                {
                    var stored = JsonNode.Parse(await order.GetStringAsync($"/api/orders/{orderIds[i]}", ct))!;
                    statuses[i] = ((string)stored["status"]!).ToLowerInvariant();
                }
            }

            if (statuses.All(s => s is "confirmed" or "cancelled"))
            {
                return statuses;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"not final within {Settle}: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}"))}");
            await Task.Delay(500, ct);
        }
    }

    private static async Task<int> StockAsync(HttpClient catalog, int itemId, CancellationToken ct) =>
        (int)JsonNode.Parse(await catalog.GetStringAsync($"/api/catalog/items/{itemId}", ct))!["availableStock"]!;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {Settle}");
            await Task.Delay(500, ct);
        }
    }
}
