using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Drives the running system as a shop's callers do, through the gateway: the catalog as its administrator, orders
/// as the buyer alice (tokens from the identity service), and the payment provider's admin API with its API key
/// (its settings and the charges it made).
/// </summary>
public sealed class Shop(HttpClient catalog, HttpClient order, HttpClient provider) : IDisposable
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    public HttpClient Catalog { get; } = catalog;

    public HttpClient Order { get; } = order;

    public HttpClient Provider { get; } = provider;

    public static async Task<Shop> OpenAsync(PlatformApp app, CancellationToken ct)
    {
        var provider = app.CreateAuthorizedClient("payment-provider", await app.ParameterValueAsync("payment-provider-api-key", ct));
        return new Shop(await app.CreateUserClientAsync("gateway", "admin", ct), await app.CreateUserClientAsync("gateway", "alice", ct), provider);
    }

    public async Task<int> CreateItemAsync(int stock, CancellationToken ct)
    {
        using var response = await Catalog.PostAsJsonAsync("/api/catalog/items", new
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

    /// <summary>Places an order for one unit; returns its id (asserts 201).</summary>
    public async Task<string> PlaceAsync(int itemId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { lines = new[] { new { productId = itemId, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await Order.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["id"]!;
    }

    /// <summary>Places <paramref name="count"/> orders for one unit each, four buyers at a time, each pausing
    /// <paramref name="pace"/> after its order so that the load spans a fault; every order is placed patiently.</summary>
    public async Task<string[]> PlaceManyPatientlyAsync(int itemId, int count, TimeSpan pace, System.Collections.Concurrent.ConcurrentBag<int> refusals, Action placed, TimeSpan patience, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(4);
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var id = await PlacePatientlyAsync(itemId, refusals, patience, ct);
                placed();
                await Task.Delay(pace, ct);
                return id;
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Places an order for one unit as a real client does through an outage: a 429 or 5xx (or no answer) is
    /// tried again a second later with the same Idempotency-Key, until it is placed; each refusal is counted (0: no answer).</summary>
    public async Task<string> PlacePatientlyAsync(int itemId, System.Collections.Concurrent.ConcurrentBag<int> refusals, TimeSpan patience, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
                {
                    Content = JsonContent.Create(new { lines = new[] { new { productId = itemId, quantity = 1 } } }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await Order.SendAsync(request, ct);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["id"]!;
                }

                refusals.Add((int)response.StatusCode);
                Assert.True((int)response.StatusCode is 429 or 502 or 503 or 504 or 500,
                    $"placing an order answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
            catch (HttpRequestException)
            {
                refusals.Add(0);
            }

            Assert.True(DateTime.UtcNow < deadline, $"order with key {key} not placed within {patience}");
            await Task.Delay(1000, ct);
        }
    }

    public async Task<string> StatusAsync(string orderId, CancellationToken ct) =>
        ((string)JsonNode.Parse(await Order.GetStringAsync($"/api/orders/{orderId}", ct))!["status"]!).ToLowerInvariant();

    /// <summary>Waits until every order is confirmed or cancelled; returns the statuses in the same order.</summary>
    public async Task<string[]> WaitForFinalAsync(IReadOnlyList<string> orderIds, CancellationToken ct, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Settle);
        var statuses = new string[orderIds.Count];
        while (true)
        {
            for (var i = 0; i < orderIds.Count; i++)
            {
                if (!IsFinal(statuses[i]))
                {
                    statuses[i] = await StatusAsync(orderIds[i], ct);
                }
            }

            if (statuses.All(IsFinal))
            {
                return statuses;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"not final within {patience ?? Settle}: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}"))}");
            await Task.Delay(500, ct);
        }
    }

    public static bool IsFinal(string? status) => status is "confirmed" or "cancelled";

    public async Task<int> StockAsync(int itemId, CancellationToken ct) =>
        (int)JsonNode.Parse(await Catalog.GetStringAsync($"/api/catalog/items/{itemId}", ct))!["availableStock"]!;

    /// <summary>How many charges the provider made per idempotency key (the payment service uses <c>order-{id}</c>).</summary>
    public async Task<Dictionary<string, int>> ChargesByKeyAsync(CancellationToken ct)
    {
        var charges = JsonNode.Parse(await Provider.GetStringAsync("/admin/charges", ct))!["charges"]!.AsArray();
        return charges.GroupBy(c => (string)c!["idempotencyKey"]!).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Changes the provider's behaviour until the returned scope is disposed, which restores the previous one.</summary>
    public async Task<IAsyncDisposable> ProviderBehavesAsync(int latencyMs, double failureRate, double declineRate, CancellationToken ct)
    {
        var previous = await Provider.GetStringAsync("/admin/behaviour", ct);
        (await Provider.PutAsJsonAsync("/admin/behaviour", new { latencyMs, failureRate, declineRate }, ct)).EnsureSuccessStatusCode();
        return new Restore(async () =>
        {
            using var body = new StringContent(previous, System.Text.Encoding.UTF8, "application/json");
            (await Provider.PutAsync("/admin/behaviour", body, CancellationToken.None)).EnsureSuccessStatusCode();
        });
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Settle);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {patience ?? Settle}");
            await Task.Delay(250, ct);
        }
    }

    public void Dispose()
    {
        Catalog.Dispose();
        Order.Dispose();
        Provider.Dispose();
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
