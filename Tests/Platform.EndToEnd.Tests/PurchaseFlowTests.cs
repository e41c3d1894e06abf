using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Platform.EndToEnd.Tests;

[Collection(AppHostCollection.Name)]
public sealed class PurchaseFlowTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Through_the_gateway_with_a_token_an_order_is_confirmed_and_the_buyer_hears_it_live_and_one_trace_spans_every_service()
    {
        var ct = TestContext.Current.CancellationToken;
        // everything as a client on the internet does it: a token, then the gateway (the README's purchase flow)
        var token = await fixture.App.UserTokenAsync("alice", ct);
        using var notification = fixture.App.CreateAuthorizedClient("gateway", token);
        notification.Timeout = Timeout.InfiniteTimeSpan;
        using var stream = await NotificationStream.OpenAsync(notification, ct);

        using var order = fixture.App.CreateAuthorizedClient("gateway", token);
        var key = Guid.NewGuid().ToString();
        // The purchase starts a trace of the test's choosing, so the dashboard can be asked for exactly that one.
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var placed = await PlaceAsync(order, key, productId: 1, quantity: 1, ct, traceId);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var created = JsonNode.Parse(await placed.Content.ReadAsStringAsync(ct))!;
        var orderId = (string)created["id"]!;
        Assert.Equal("Pending", (string?)created["status"], ignoreCase: true);

        // A double-click: the same key and body give the same order, marked as a replay.
        using var again = await PlaceAsync(order, key, productId: 1, quantity: 1, ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(orderId, (string?)JsonNode.Parse(await again.Content.ReadAsStringAsync(ct))!["id"]);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        using var reused = await PlaceAsync(order, key, productId: 1, quantity: 2, ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);

        // The buyer, connected to the notification service, hears about it (order → outbox → RabbitMQ → notification →
        // Redis pub/sub → SSE), and, once catalog reserves, payment charges and order confirms, hears that too; each
        // once. The two events travel separate queues, so nothing orders them (docs/messaging.md).
        var heard = new List<string>();
        while (heard.Count < 2)
        {
            var next = await NotificationStream.ReadAsync(stream, e => (string?)e["orderId"] == orderId, Patience, ct);
            heard.Add(((string?)next["kind"])?.ToUpperInvariant() ?? "");
        }

        Assert.Equal(["ORDERCONFIRMED", "ORDERRECEIVED"], heard.Order(StringComparer.Ordinal));
        var stored = JsonNode.Parse(await order.GetStringAsync($"/api/orders/{orderId}", ct))!;
        Assert.Equal("Confirmed", (string?)stored["status"], ignoreCase: true);
        var feed = JsonNode.Parse(await notification.GetStringAsync("/api/notifications", ct))!.AsArray();
        Assert.Equal(2, feed.Count(n => (string?)n!["orderId"] == orderId));

        // One trace in the Aspire dashboard: the gateway, the request to order, its call to catalog, and every service the events reached.
        string[] expected = ["gateway", "order", "catalog", "payment", "notification"];
        var services = await WaitForTraceAsync(fixture.App.Dashboard!, traceId, expected, ct);
        Assert.Superset(expected.ToHashSet(), services.ToHashSet());

        // And the dashboard holds requests, not polling: each outbox dispatcher has polled many times by now (it sent this
        // order's events), yet no trace starts at a background loop's database call, lock or HTTP call (issue 29).
        var roots = await fixture.App.Dashboard!.TraceRootsAsync(ct);
        Assert.NotEmpty(roots);
        Assert.All(roots, root => Assert.True(root.Kind is 2 or 4 or 5, $"{root.Service}: \"{root.Name}\" (kind {root.Kind}) starts a trace"));
    }

    [Fact]
    public async Task Bad_orders_get_problem_details_not_500s()
    {
        var ct = TestContext.Current.CancellationToken;
        using var order = await fixture.App.CreateUserClientAsync("gateway", "bob", ct);

        using var noKey = await order.PostAsJsonAsync("/api/orders", new { lines = new[] { new { productId = 1, quantity = 1 } } }, ct);
        using var badLines = await PlaceAsync(order, Guid.NewGuid().ToString(), productId: -1, quantity: 0, ct);
        using var unknownProduct = await PlaceAsync(order, Guid.NewGuid().ToString(), productId: int.MaxValue, quantity: 1, ct);

        foreach (var response in new[] { noKey, badLines, unknownProduct })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static Task<HttpResponseMessage> PlaceAsync(HttpClient order, string key, int productId, int quantity, CancellationToken ct, string? traceId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { lines = new[] { new { productId, quantity } } }),
        };
        request.Headers.Add("Idempotency-Key", key);
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        }

        return order.SendAsync(request, ct);
    }

    /// <summary>The services that reported spans of the trace, once all expected have (the exporters send in batches).</summary>
    private static async Task<IReadOnlySet<string>> WaitForTraceAsync(DashboardEndpoint dashboard, string traceId, string[] services, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlySet<string> seen = new HashSet<string>();
        while (DateTime.UtcNow < deadline && !services.All(seen.Contains))
        {
            await Task.Delay(500, ct);
            seen = await dashboard.TraceServicesAsync(traceId, ct);
        }

        return seen;
    }
}
