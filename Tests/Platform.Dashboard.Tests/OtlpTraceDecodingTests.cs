using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.Dashboard.Tests;

/// <summary>Spans exported by the real OpenTelemetry .NET exporter (OTLP/HTTP protobuf) to the dashboard's receiver.</summary>
public sealed class OtlpTraceDecodingTests(StandaloneDashboard dashboard) : IClassFixture<StandaloneDashboard>
{
    [Fact]
    public void Spans_keep_their_tree_kinds_times_attributes_status_events_and_source()
    {
        var sourceName = "Test.Traces." + Guid.NewGuid().ToString("N");
        using var activitySource = new ActivitySource(sourceName, "1.2.3");
        using (var provider = TracerProvider(sourceName, "catalog", "catalog-1"))
        {
            using (var server = activitySource.StartActivity("GET /products/{id}", ActivityKind.Server))
            {
                server!.SetTag("http.request.method", "GET");
                server.SetTag("http.response.status_code", 200);
                server.SetTag("cache.hit", true);
                server.SetTag("ratio", 0.25);
                server.SetTag("tags", new[] { "a", "b" });
                using (var client = activitySource.StartActivity("SELECT catalogdb", ActivityKind.Client))
                {
                    client!.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["attempt"] = 2 }));
                    client.SetStatus(ActivityStatusCode.Error, "timeout");
                    Thread.Sleep(5);
                }
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        var summary = Assert.Single(dashboard.Traces.Query(source: "catalog-1"));
        var spans = dashboard.Traces.GetTrace(summary.TraceId);
        Assert.Equal(2, spans.Count);
        var serverSpan = spans.Single(s => s.Kind == "Server");
        var clientSpan = spans.Single(s => s.Kind == "Client");

        Assert.Null(serverSpan.ParentSpanId);
        Assert.Equal(serverSpan.SpanId, clientSpan.ParentSpanId);
        Assert.Equal(32, serverSpan.TraceId.Length);
        Assert.Equal(16, serverSpan.SpanId.Length);
        Assert.Equal("GET /products/{id}", serverSpan.Name);
        Assert.Equal(sourceName, serverSpan.Scope);
        Assert.Equal(new TelemetrySource("catalog", "catalog-1"), serverSpan.Source);
        Assert.Equal("catalog-1", serverSpan.Source.Name);
        Assert.Contains(new TelemetryAttribute("http.request.method", "GET"), serverSpan.Attributes);
        Assert.Contains(new TelemetryAttribute("http.response.status_code", "200"), serverSpan.Attributes);
        Assert.Contains(new TelemetryAttribute("cache.hit", "true"), serverSpan.Attributes);
        Assert.Contains(new TelemetryAttribute("ratio", "0.25"), serverSpan.Attributes);
        Assert.Contains(new TelemetryAttribute("tags", "[a, b]"), serverSpan.Attributes);

        Assert.Equal("Error", clientSpan.Status);
        Assert.Equal("timeout", clientSpan.StatusMessage);
        var retry = Assert.Single(clientSpan.Events);
        Assert.Equal("retry", retry.Name);
        Assert.Contains(new TelemetryAttribute("attempt", "2"), retry.Attributes);

        Assert.True(clientSpan.DurationMs >= 4, $"client span lasted {clientSpan.DurationMs} ms");
        Assert.True(serverSpan.Start <= clientSpan.Start && clientSpan.End <= serverSpan.End);
        Assert.InRange(serverSpan.Start, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(summary.HasError);
        Assert.Equal(["catalog"], summary.Sources);
        Assert.Equal("catalog: GET /products/{id}", summary.Name);
    }

    [Fact]
    public void A_trace_across_two_services_is_one_waterfall()
    {
        var prefix = "Test.Distributed." + Guid.NewGuid().ToString("N");
        using var orderSource = new ActivitySource(prefix + ".order");
        using var paymentSource = new ActivitySource(prefix + ".payment");
        using var order = TracerProvider(orderSource.Name, "order", "order");
        using var payment = TracerProvider(paymentSource.Name, "payment", "payment");
        string traceId;
        using (var root = orderSource.StartActivity("POST /orders", ActivityKind.Server)!)
        {
            traceId = root.TraceId.ToHexString();
            using var call = orderSource.StartActivity("GET", ActivityKind.Client)!;
            // The other service continues the trace from the propagated context, as W3C trace context makes it do.
            using (paymentSource.StartActivity("POST /payments", ActivityKind.Server, call.Context))
            {
            }
        }

        Assert.True(order.ForceFlush(10_000));
        Assert.True(payment.ForceFlush(10_000));
        var waterfall = Platform.Hosting.Dashboard.Api.TraceWaterfall.Build(dashboard.Traces.GetTrace(traceId));
        Assert.Equal(["order", "payment"], waterfall.Services);
        Assert.Equal(["POST /orders", "GET", "POST /payments"], waterfall.Rows.Select(r => r.Name));
        Assert.Equal([0, 1, 2], waterfall.Rows.Select(r => r.Depth));
        Assert.Equal(["order", "order", "payment"], waterfall.Rows.Select(r => r.Service));
        Assert.All(waterfall.Rows, r => Assert.InRange(r.OffsetMs + r.DurationMs, 0, waterfall.DurationMs + 0.001));
    }

    [Fact]
    public void Spans_exported_over_grpc_arrive_too()
    {
        var sourceName = "Test.Grpc." + Guid.NewGuid().ToString("N");
        using var activitySource = new ActivitySource(sourceName);
        string traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("notification", serviceInstanceId: "notification", autoGenerateServiceInstanceId: false))
            .AddSource(sourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(dashboard.Server.OtlpGrpcEndpointUrl);
                o.Protocol = OtlpExportProtocol.Grpc;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (var activity = activitySource.StartActivity("consume order-placed", ActivityKind.Consumer)!)
            {
                traceId = activity.TraceId.ToHexString();
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        var span = Assert.Single(dashboard.Traces.GetTrace(traceId));
        Assert.Equal(("consume order-placed", "Consumer", "notification"), (span.Name, span.Kind, span.Source.Name));
    }

    private TracerProvider TracerProvider(string sourceName, string service, string instance) =>
        Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService(service, serviceInstanceId: instance, autoGenerateServiceInstanceId: false))
            .AddSource(sourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = dashboard.OtlpUri("/v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
}
