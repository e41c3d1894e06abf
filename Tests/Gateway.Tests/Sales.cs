namespace Platform.Gateway.Tests;

/// <summary>A sale in the gateway's waiting room, driven as its administrator and its buyers would.</summary>
public static class Sales
{
    private static int _products = 7_000;

    /// <summary>Catalog products no other test puts on sale (seeded ids, so orders for them are accepted).</summary>
    public static int[] FreshProducts(int count) =>
        [.. Enumerable.Range(Interlocked.Add(ref _products, count) - count + 1, count)];

    public static string FreshId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(64, prefix.Length + 13)];

    /// <summary>Opens a sale; one that does not say how many buyers it takes is sized for a test (10,000), so the many
    /// sales of one AppHost stay within the waiting room's budget of buyers across sales.</summary>
    public static async Task<JsonNode> OpenAsync(HttpClient admin, object sale, CancellationToken ct)
    {
        var request = System.Text.Json.JsonSerializer.SerializeToNode(sale, System.Text.Json.JsonSerializerOptions.Web)!.AsObject();
        request.TryAdd("maxBuyers", 10_000);
        using var response = await admin.PostAsJsonAsync("/api/queue/sales", request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"opening the sale: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> FiguresAsync(HttpClient admin, string saleId, CancellationToken ct) =>
        JsonNode.Parse(await admin.GetStringAsync($"/api/queue/sales/{saleId}", ct))!;

    /// <summary>Joins and returns the place.</summary>
    public static async Task<long> JoinAsync(HttpClient buyer, string saleId, CancellationToken ct)
    {
        using var response = await buyer.PostAsync($"/api/queue/{saleId}/join", null, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"joining {saleId}: {(int)response.StatusCode} {body}");
        return (long)JsonNode.Parse(body)!["place"]!;
    }

    public static async Task<JsonNode> StatusAsync(HttpClient buyer, string saleId, CancellationToken ct)
    {
        using var response = await buyer.GetAsync($"/api/queue/{saleId}/status", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"status of {saleId}: {(int)response.StatusCode} {body}");
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        return JsonNode.Parse(body)!;
    }

    /// <summary>Polls (as a client does, faster) until the buyer's state is <paramref name="state"/>; after <paramref name="patience"/> fails with the last answer.</summary>
    public static async Task<JsonNode> PollUntilAsync(HttpClient buyer, string saleId, string state, TimeSpan patience, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(patience);
        JsonNode? last = null;
        try
        {
            while (true)
            {
                last = await StatusAsync(buyer, saleId, deadline.Token);
                if ((string?)last["state"] == state)
                {
                    return last;
                }

                await Task.Delay(200, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{saleId}: still {last?.ToJsonString()} after {patience}, waiting for {state}");
        }
    }

    /// <summary>Waits until the sale's figures satisfy <paramref name="condition"/> (a 503, Redis not reachable yet, is waited out).</summary>
    public static async Task<JsonNode> WaitForFiguresAsync(HttpClient admin, string saleId, Func<JsonNode, bool> condition, TimeSpan patience, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(patience);
        JsonNode? last = null;
        try
        {
            while (true)
            {
                using var response = await admin.GetAsync($"/api/queue/sales/{saleId}", deadline.Token);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    Assert.True(response.IsSuccessStatusCode, $"figures of {saleId}: {(int)response.StatusCode}");
                    last = JsonNode.Parse(await response.Content.ReadAsStringAsync(deadline.Token))!;
                }

                if (last is not null && condition(last))
                {
                    return last;
                }

                await Task.Delay(250, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{saleId}: figures {last?.ToJsonString()} after {patience}");
        }
    }

    public static async Task<HttpResponseMessage> OrderAsync(HttpClient buyer, int productId, string? admissionToken, string? key = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { lines = new[] { new { productId, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        if (admissionToken is not null)
        {
            request.Headers.Add("Admission-Token", admissionToken);
        }

        return await buyer.SendAsync(request, ct);
    }
}
