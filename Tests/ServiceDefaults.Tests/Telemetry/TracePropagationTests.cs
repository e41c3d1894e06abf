using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Telemetry;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TracePropagationTests
{
    private sealed record Checkout(string TraceId, string TraceParentSeenByPayment);

    [Fact]
    public void The_runtime_propagates_w3c_trace_context_by_default()
    {
        // .NET 10 made the W3C propagator the default: it sends traceparent, tracestate and W3C baggage, and no
        // longer the legacy Request-Id / Correlation-Context headers.
        Assert.IsType(DistributedContextPropagator.CreateW3CPropagator().GetType(), DistributedContextPropagator.Current);
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "platform=1";
        activity.AddBaggage("tenant", "acme");
        var headers = new Dictionary<string, string?>();

        DistributedContextPropagator.Current.Inject(activity, headers, (carrier, name, value) =>
            ((Dictionary<string, string?>)carrier!)[name] = value);

        Assert.Equal(["baggage", "traceparent", "tracestate"], headers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(activity.Id, headers["traceparent"]);
        Assert.Equal("tenant=acme", headers["baggage"]?.Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_from_one_service_to_another_is_one_trace()
    {
        var exporter = new RecordingExporter();
        // Each service has its own provider, as in production; only the order service exports here (listeners are
        // process-wide, so it sees the payment service's spans too).
        var payment = await LoopbackApp.StartAsync(
            "payment",
            app => app.MapGet("/pay", (HttpRequest request) => request.Headers.TraceParent.ToString()),
            configure: builder => builder.Services.ConfigurePlatformTracing(_ => { }));
        var order = await LoopbackApp.StartAsync(
            "order",
            app => app.MapGet("/checkout", async (IHttpClientFactory clients, CancellationToken cancellationToken) =>
            {
                var traceParent = await clients.CreateClient("payment").GetStringAsync("http://payment/pay", cancellationToken);
                return new Checkout(Activity.Current!.TraceId.ToHexString(), traceParent);
            }),
            new Dictionary<string, string?> { ["services:payment:http:0"] = payment.BaseAddress.ToString() },
            builder => builder.Services.ConfigurePlatformTracing(tracing =>
                tracing.AddProcessor(new SimpleActivityExportProcessor(exporter))));

        Checkout checkout;
        await using (order)
        {
            await using (payment)
            {
                using var client = new HttpClient { BaseAddress = order.BaseAddress };
                checkout = (await client.GetFromJsonAsync<Checkout>("/checkout", TestContext.Current.CancellationToken))!;
            }
        }

        var trace = exporter.Spans.Where(s => s.TraceId.ToHexString() == checkout.TraceId).ToList();
        var orderServer = Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/checkout");
        var paymentClient = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http" && s.ParentSpanId == orderServer.SpanId);
        var paymentServer = Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/pay");
        Assert.Equal(paymentClient.SpanId, paymentServer.ParentSpanId);
        Assert.Equal($"00-{checkout.TraceId}-{paymentClient.SpanId.ToHexString()}-01", checkout.TraceParentSeenByPayment);
        // The client span records the endpoint discovery picked, not the logical name.
        Assert.Equal(payment.BaseAddress.Port, paymentClient.GetTagItem("server.port"));
    }
}
