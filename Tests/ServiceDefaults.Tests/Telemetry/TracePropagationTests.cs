using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TracePropagationTests
{
    private sealed record Checkout(string TraceId, string TraceParentSeenByPayment);

    [Fact]
    public async Task A_call_from_one_service_to_another_is_one_trace()
    {
        var exported = new List<Activity>();
        // Each service has its own providers, as in production; only the order service's spans are kept in memory
        // (listeners are process-wide, so it sees the payment service's spans too).
        await using var payment = await LoopbackApp.StartAsync(
            "payment",
            app => app.MapGet("/pay", (HttpRequest request) => request.Headers.TraceParent.ToString()),
            new Dictionary<string, string?> { [OtelKeys.Endpoint] = OtelKeys.UnusedEndpoint });
        await using var order = await TelemetryApp.StartAsync(
            "order",
            app => app.MapGet("/checkout", async (IHttpClientFactory clients, CancellationToken cancellationToken) =>
            {
                var traceParent = await clients.CreateClient("payment").GetStringAsync("http://payment/pay", cancellationToken);
                return new Checkout(Activity.Current!.TraceId.ToHexString(), traceParent);
            }),
            exported,
            settings: new Dictionary<string, string?> { ["services:payment:http:0"] = payment.BaseAddress.ToString() });

        Checkout checkout;
        using (var client = TelemetryApp.Caller(order.BaseAddress))
        {
            checkout = (await client.GetFromJsonAsync<Checkout>("/checkout", TestContext.Current.CancellationToken))!;
        }

        // Payment first: once it has drained, its server span has ended (it may end after the answer was received).
        await payment.DisposeAsync();
        var trace = (await order.StopAndCollectAsync(exported)).Where(s => s.TraceId.ToHexString() == checkout.TraceId).ToList();
        var orderServer = Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/checkout");
        var paymentClient = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http" && s.ParentSpanId == orderServer.SpanId);
        var paymentServer = Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/pay");
        Assert.Equal(paymentClient.SpanId, paymentServer.ParentSpanId);
        Assert.Equal($"00-{checkout.TraceId}-{paymentClient.SpanId.ToHexString()}-01", checkout.TraceParentSeenByPayment);
        // The client span records the endpoint discovery picked, not the logical name.
        Assert.Equal(payment.BaseAddress.Port, paymentClient.GetTagItem("server.port"));
    }
}
