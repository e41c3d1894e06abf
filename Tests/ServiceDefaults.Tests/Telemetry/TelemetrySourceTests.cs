using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;
using Polly;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TelemetrySourceTests
{
    private static readonly ActivitySource PlatformSource = new("Platform.Tests.Work");
    private static readonly ActivitySource MassTransitSource = new("MassTransit");
    private static readonly ActivitySource NpgsqlSource = new("Npgsql");
    private static readonly ActivitySource ApplicationSource = new("sources-app");
    private static readonly ActivitySource OtherSource = new("Some.Other.Library");
    private static readonly Meter PlatformMeter = new("Platform.Tests.Meter");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Spans_of_the_platform_the_libraries_and_the_application_are_traced_and_no_others()
    {
        var exported = new List<Activity>();
        await using var app = await TelemetryApp.StartAsync("sources-app", app => app.MapGet("/work", () =>
        {
            foreach (var source in new[] { PlatformSource, MassTransitSource, NpgsqlSource, ApplicationSource, OtherSource })
            {
                using var activity = source.StartActivity("step");
            }

            return Activity.Current!.TraceId.ToHexString();
        }), exported);
        string traceId;
        using (var client = TelemetryApp.Caller(app.BaseAddress))
        {
            traceId = await client.GetStringAsync("/work", Ct);
        }

        var trace = (await app.StopAndCollectAsync(exported)).Where(s => s.TraceId.ToHexString() == traceId).ToList();

        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal(
            ["MassTransit", "Npgsql", "Platform.Tests.Work", "sources-app"],
            trace.Where(s => s.ParentSpanId == server.SpanId).Select(s => s.Source.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Http_runtime_and_platform_metrics_are_collected_including_the_circuit_breaker_counter()
    {
        var client = $"metrics-{Guid.NewGuid():N}";
        var exported = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        await using var app = await TelemetryApp.StartAsync("metrics-app", app => app.MapGet("/metrics-probe", () => "ok"), exported, metrics);
        using (var http = new HttpClient { BaseAddress = app.BaseAddress })
        {
            using var response = await http.GetAsync("/metrics-probe", Ct);
        }

        using (var outgoing = await app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(client)
            .GetAsync(new Uri(app.BaseAddress, "/metrics-probe"), Ct))
        {
            Assert.True(outgoing.IsSuccessStatusCode);
        }

        app.Services.GetRequiredService<CircuitBreakerTelemetry>()
            .OnOpened(client, TimeSpan.FromSeconds(5), Outcome.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.BadGateway)));
        PlatformMeter.CreateCounter<long>("platform.tests.work_done").Add(3);
        await app.App.StopAsync(Ct);
        // False here: the OTLP exporter beside the in-memory one has nowhere to send to.
        app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);

        var names = metrics.Select(m => m.Name).ToHashSet();
        Assert.Contains("http.server.request.duration", names);
        Assert.Contains("http.client.request.duration", names);
        Assert.Contains("dotnet.gc.collections", names);
        Assert.Contains("platform.tests.work_done", names);
        var stateChanges = metrics.Where(m => m.Name == CircuitBreakerTelemetry.StateChangesInstrumentName)
            .SelectMany(m => m.MetricPoints)
            .Where(p => Tags(p).Contains(new(CircuitBreakerTelemetry.ClientNameTag, client)))
            .ToList();
        var point = Assert.Single(stateChanges);
        Assert.Contains(new KeyValuePair<string, object?>(CircuitBreakerTelemetry.StateTag, "open"), Tags(point));
        Assert.Equal(1, point.GetSumLong());
    }

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }
}
