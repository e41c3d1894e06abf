using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Telemetry;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class ServerSpanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs the requests, then stops the app: once stopped, every request's span has been exported.</summary>
    private static Task<List<Activity>> ServerSpansOf(Action<WebApplication> routes, params string[] paths) =>
        ServerSpansOf(routes, settings: null, paths);

    private static async Task<List<Activity>> ServerSpansOf(
        Action<WebApplication> routes, IReadOnlyDictionary<string, string?>? settings, params string[] paths)
    {
        var exporter = new RecordingExporter();
        var app = await LoopbackApp.StartAsync("catalog", routes, settings, configure: builder =>
            builder.Services.ConfigurePlatformTracing(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(exporter))));
        var port = app.BaseAddress.Port;
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = app.BaseAddress };
            foreach (var path in paths)
            {
                using var _ = await client.GetAsync(path, Ct);
            }
        }

        // Other tests' apps run in this process too; keep the spans of this app's port.
        return exporter.Spans
            .Where(s => s.Kind == ActivityKind.Server && s.GetTagItem("server.port") is int p && p == port)
            .ToList();
    }

    [Fact]
    public async Task Health_probes_produce_no_span()
    {
        var spans = await ServerSpansOf(app => app.MapGet("/ping", () => "pong"), "/health", "/alive", "/alive/", "/ping");

        Assert.Equal(["/ping"], spans.Select(s => s.GetTagItem("url.path")));
    }

    [Fact]
    public async Task Request_spans_carry_http_semantic_conventions_and_the_route_as_name()
    {
        var spans = await ServerSpansOf(app => app.MapGet("/items/{id}", (int id) => id), "/items/7?currency=EUR");

        var span = Assert.Single(spans);
        Assert.Equal("GET /items/{id}", span.DisplayName);
        Assert.Equal("GET", span.GetTagItem("http.request.method"));
        Assert.Equal("/items/7", span.GetTagItem("url.path"));
        Assert.Equal("/items/{id}", span.GetTagItem("http.route"));
        Assert.Equal("http", span.GetTagItem("url.scheme"));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal("1.1", span.GetTagItem("network.protocol.version"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task A_failing_request_is_an_error_span_that_keeps_its_route()
    {
        var spans = await ServerSpansOf(
            app => app.MapGet("/orders/{id}", string (int id) => throw new InvalidOperationException("no such order")),
            "/orders/9");

        var span = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(500, span.GetTagItem("http.response.status_code"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal("GET /orders/{id}", span.DisplayName);
    }

    [Fact]
    public async Task A_5xx_answer_is_an_error_span()
    {
        var spans = await ServerSpansOf(app => app.MapGet("/down", () => Results.StatusCode(503)), "/down");

        var span = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("503", span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task The_sampler_follows_OTEL_TRACES_SAMPLER_from_configuration()
    {
        var sampled = await ServerSpansOf(app => app.MapGet("/ping", () => "pong"), "/ping");
        var notSampled = await ServerSpansOf(
            app => app.MapGet("/ping", () => "pong"),
            new Dictionary<string, string?> { ["OTEL_TRACES_SAMPLER"] = "always_off" },
            "/ping");

        Assert.Single(sampled);
        Assert.Empty(notSampled);
    }
}
