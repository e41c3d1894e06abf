using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// A LoopbackApp whose telemetry is on (an OTLP endpoint nothing listens on) and whose spans and metrics are also kept
/// in memory. ActivityListeners and MeterListeners are process-wide: the lists also get what other apps of the test
/// process make while this one runs, so tests pick theirs by port, trace id or a unique name.
/// </summary>
internal static class TelemetryApp
{
    public static Task<LoopbackApp> StartAsync(
        string applicationName,
        Action<WebApplication> mapRoutes,
        List<Activity> spans,
        List<MetricSnapshot>? metrics = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { [OtelKeys.Endpoint] = OtelKeys.UnusedEndpoint };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return LoopbackApp.StartAsync(applicationName, mapRoutes, all, builder =>
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            if (metrics is not null)
            {
                builder.Services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
            }
        });
    }

    /// <summary>
    /// A caller from outside, as a browser or a load balancer is: it sends no <c>traceparent</c>, so the service's
    /// request span starts the trace. The test's own HttpClient would start a client span in this process, which the
    /// platform does not record (no request encloses it) and whose decision the service would follow.
    /// </summary>
    public static HttpClient Caller(Uri baseAddress) =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseAddress };

    /// <summary>
    /// Disposes the app (early: a later DisposeAsync does nothing): Kestrel drains first, so every request's span has
    /// ended and been exported, and then the provider goes, so the list stops growing with other apps' spans.
    /// </summary>
    public static async Task<List<Activity>> StopAndCollectAsync(this LoopbackApp app, List<Activity> spans)
    {
        await app.DisposeAsync();
        return [.. spans];
    }
}
