using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Traces_metrics_and_logs_reach_the_otlp_endpoint_with_the_configured_resource()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var receiver = await OtlpHttpReceiver.StartAsync();
        await using var app = await LoopbackApp.StartAsync(
            "order",
            app => app.MapGet("/ping", (ILogger<OtlpExportTests> logger) =>
            {
                logger.LogInformation("Ping handled for run {Run}", run);
                return "pong";
            }),
            new Dictionary<string, string?>
            {
                [OtelKeys.Endpoint] = receiver.Endpoint.ToString().TrimEnd('/'),
                [OtelKeys.Protocol] = "http/protobuf",
                [OtelKeys.ServiceName] = $"order-{run}",
                [OtelKeys.ResourceAttributes] = $"deployment.environment=test-{run}",
            });
        using var client = TelemetryApp.Caller(app.BaseAddress);

        (await client.GetAsync("/ping", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        // Make sure the request's span has ended (it ends just after the response) before flushing.
        await app.App.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.True(app.Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000));

        var traces = receiver.Text("traces");
        Assert.Contains($"order-{run}", traces);
        Assert.Contains($"test-{run}", traces);
        Assert.Contains("/ping", traces);
        var metrics = receiver.Text("metrics");
        Assert.Contains($"order-{run}", metrics);
        Assert.Contains("http.server.request.duration", metrics);
        var logs = receiver.Text("logs");
        Assert.Contains($"order-{run}", logs);
        Assert.Contains($"Ping handled for run {run}", logs);
    }
}
