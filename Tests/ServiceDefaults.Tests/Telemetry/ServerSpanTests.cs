using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class ServerSpanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs the requests against an app with telemetry on; returns that app's server spans.</summary>
    private static async Task<List<Activity>> ServerSpansOf(Action<WebApplication> routes, params string[] paths)
    {
        var exported = new List<Activity>();
        await using var app = await TelemetryApp.StartAsync("catalog", routes, exported);
        var port = app.BaseAddress.Port;
        using (var client = TelemetryApp.Caller(app.BaseAddress))
        {
            foreach (var path in paths)
            {
                using var response = await client.GetAsync(path, Ct);
            }
        }

        var spans = await app.StopAndCollectAsync(exported);
        return spans.Where(s => s.Kind == ActivityKind.Server && s.GetTagItem("server.port") is int p && p == port).ToList();
    }

    [Fact]
    public async Task Health_probes_produce_no_span()
    {
        var spans = await ServerSpansOf(app => app.MapGet("/ping", () => "pong"), "/health", "/alive", "/alive/", "/HEALTH", "/ping");

        Assert.Equal(["/ping"], spans.Select(s => s.GetTagItem("url.path")));
    }

    [Fact]
    public async Task Request_spans_carry_http_semantic_conventions_and_the_route_as_name()
    {
        var spans = await ServerSpansOf(app => app.MapGet("/items/{id}", (int id) => id), "/items/7?currency=EUR");

        var span = Assert.Single(spans);
        Assert.Equal("GET /items/{id}", span.DisplayName);
        Assert.Equal("Microsoft.AspNetCore", span.Source.Name);
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
        // The exception handler (problem details) answers before the instrumentation sees the exception.
        Assert.Equal("500", span.GetTagItem("error.type"));
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
}
