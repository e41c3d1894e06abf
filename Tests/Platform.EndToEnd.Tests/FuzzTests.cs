using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Every public endpoint, through the gateway as a caller on the internet reaches it (and the identity service's token
/// endpoint), with generated malformed input: never a 5xx, a 4xx is problem details, and every service stays healthy.
/// The seed is printed; a failure names it and the input. One exception to "problem details": a NUL in the path is
/// refused by Kestrel itself (400, no body) before any of our code runs.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class FuzzTests(AppHostFixture fixture)
{
    private const int Cases = 80;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fixed seeds, so a run is reproducible and CI does not turn red at random; 51821627 found a 500
    /// (an order with a null line). <c>FUZZ_SEED</c> explores another.</summary>
    [Theory]
    [InlineData(47936815UL)]
    [InlineData(51821627UL)]
    public async Task Every_public_endpoint_answers_malformed_input_with_a_4xx_problem_never_a_5xx(ulong fixedSeed)
    {
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var chosen) ? chosen : fixedSeed;
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz seed {seed}");
        using var shop = await Shop.OpenAsync(fixture.App, Ct);
        var ordered = await shop.CreateItemAsync(stock: 10_000, Ct);
        var updated = await shop.CreateItemAsync(stock: 10, Ct);
        var gated = await shop.CreateItemAsync(stock: 10, Ct);
        var failures = new List<string>();

        await BodiesAsync(shop.Order, HttpMethod.Post, "/api/orders", new { lines = new[] { new { productId = ordered, quantity = 1 } } }, seed, failures);
        var item = new { name = "fuzzed item", description = "made by the fuzz test", price = 12.5m, brandId = 1, categoryId = 1, availableStock = 5 };
        await BodiesAsync(shop.Catalog, HttpMethod.Post, "/api/catalog/items", item, seed + 1, failures);
        await BodiesAsync(shop.Catalog, HttpMethod.Put, $"/api/catalog/items/{updated}", item, seed + 2, failures);
        var sale = new { id = "fz-sale", productIds = new[] { gated }, admissionRatePerSecond = 20, idleTimeoutSeconds = 600, admissionLifetimeSeconds = 60 };
        await BodiesAsync(shop.Catalog, HttpMethod.Post, "/api/queue/sales", sale, seed + 3, failures, CloseSaleAsync);

        string[] queries =
        [
            "/api/catalog/items?cursor={0}", "/api/catalog/items?limit={0}", "/api/catalog/items?categoryId={0}", "/api/catalog/items?brandId={0}",
            "/api/catalog/items/search?q={0}", "/api/catalog/items/search?q=kettle&cursor={0}", "/api/catalog/items/by-ids?ids={0}",
            "/api/catalog/bestsellers?top={0}", "/api/catalog/items/{0}", "/api/orders?limit={0}", "/api/orders/{0}",
            "/api/queue/{0}/status", "/api/queue/sales/{0}", "/api/notifications?limit={0}",
        ];
        foreach (var query in queries)
        {
            foreach (var value in Fuzz.Texts)
            {
                var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, query, Uri.EscapeDataString(value));
                (await SendAsync(query.StartsWith("/api/orders", StringComparison.Ordinal) ? shop.Order : shop.Catalog, HttpMethod.Get, url, null, failures)).Dispose();
            }
        }

        foreach (var value in Fuzz.Texts)
        {
            (await SendAsync(shop.Order, HttpMethod.Post, $"/api/queue/{Uri.EscapeDataString(value)}/join", null, failures)).Dispose();
            (await SendAsync(shop.Catalog, HttpMethod.Post, $"/api/queue/sales/{Uri.EscapeDataString(value)}/close", null, failures)).Dispose();
        }

        await TokenRequestsAsync(seed + 4, failures);

        foreach (var service in new[] { "gateway", "catalog", "order", "payment", "notification", "identity" })
        {
            using var probe = fixture.App.CreateHttpClient(service);
            using var health = await probe.GetAsync("/health", Ct);
            Assert.True(health.IsSuccessStatusCode, $"{service} is unhealthy after the fuzz: {(int)health.StatusCode}");
        }

        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} answers broke the rules:\n{string.Join("\n", failures.Take(20))}");
    }

    private async Task BodiesAsync(HttpClient client, HttpMethod method, string path, object template, ulong seed, List<string> failures,
        Func<HttpClient, HttpResponseMessage, Task>? created = null)
    {
        foreach (var body in Fuzz.Bodies(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(template, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!, Cases, seed))
        {
            using var response = await SendAsync(client, method, path, body, failures);
            if (response.StatusCode == HttpStatusCode.Created && created is not null)
            {
                await created(client, response);
            }
        }
    }

    /// <summary>An input the fuzz happened to make valid opened a sale: close it, so it gates nothing.</summary>
    private static async Task CloseSaleAsync(HttpClient admin, HttpResponseMessage response)
    {
        var id = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))?["id"];
        using var closed = await admin.PostAsync($"/api/queue/sales/{Uri.EscapeDataString(id!)}/close", null, Ct);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string? body, List<string> failures)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await client.SendAsync(request, Ct);
        var status = (int)response.StatusCode;
        var preview = body is null ? "" : $" {(body.Length > 200 ? body[..200] + "…" : body)}";
        if (status >= 500)
        {
            failures.Add($"{method} {Shorten(url)}{preview} → {status}: {Shorten(await response.Content.ReadAsStringAsync(Ct))}");
        }
        else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"
            && !(status == 400 && url.Contains("%00", StringComparison.Ordinal) && response.Content.Headers.ContentLength == 0))
        {
            failures.Add($"{method} {Shorten(url)}{preview} → {status} without problem details ({response.Content.Headers.ContentType?.MediaType ?? "no body"})");
        }

        return response;
    }

    /// <summary>The OAuth token endpoint answers errors in RFC 6749's own JSON shape; here only "never a 5xx" applies.</summary>
    private async Task TokenRequestsAsync(ulong seed, List<string> failures)
    {
        using var identity = fixture.App.CreateHttpClient("identity");
        var values = Fuzz.QueryValues(Cases * 4, seed);
        for (var i = 0; i + 3 < values.Length; i += 4)
        {
            // each field fuzzed in turn: the grant type every third case, the client id every other one
            var n = i / 4;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = n % 3 == 0 ? values[i] : n % 3 == 1 ? "password" : "client_credentials",
                ["client_id"] = n % 2 == 0 ? "platform-dev" : values[i + 1],
                ["username"] = values[i + 2],
                ["password"] = values[i + 3],
                ["scope"] = values[i + 1],
            });
            using var response = await identity.PostAsync("/connect/token", form, Ct);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"POST /connect/token ({values[i]}, {values[i + 1]}, …) → {(int)response.StatusCode}");
            }
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
