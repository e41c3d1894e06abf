using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Dashboard.Telemetry;

namespace Platform.Hosting.Dashboard.Api;

/// <summary>Structured logs, traces and metrics received over OTLP.</summary>
internal static class TelemetryApi
{
    public static void Map(WebApplication app, IServiceProvider services)
    {
        var logs = services.GetRequiredService<LogStore>();
        var traces = services.GetRequiredService<TraceStore>();
        var metrics = services.GetRequiredService<MetricStore>();

        app.MapGet("/api/telemetry/sources", () => Results.Json(logs.Sources
            .Concat(metrics.Instruments().Select(i => i.Source))
            .Concat(traces.Query().SelectMany(t => t.Sources))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)));

        app.MapGet("/api/logs", (string? source, string? level, string? q, string? trace) =>
            Results.Json(logs.Query(source, level, q, trace).Reverse().Select(e => new
            {
                e.Sequence,
                e.Timestamp,
                Source = e.Source.Name,
                e.Level,
                e.Category,
                e.Message,
                e.Attributes,
                e.TraceId,
                e.SpanId,
            })));

        app.MapGet("/api/traces", (string? source, string? q) => Results.Json(traces.Query(source, q)));

        app.MapGet("/api/traces/{traceId}", (string traceId) =>
        {
            var spans = traces.GetTrace(traceId.ToLowerInvariant());
            return spans.Count == 0 ? Results.NotFound() : Results.Json(TraceWaterfall.Build(spans));
        });

        app.MapGet("/api/metrics/instruments", (string? source) => Results.Json(metrics.Instruments(source)));

        app.MapGet("/api/metrics/series", (string source, string meter, string name) =>
            Results.Json(metrics.GetSeries(source, meter, name)));
    }
}
