using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Platform.Dashboard.Tests;

/// <summary>Logs and metrics exported by the real OpenTelemetry .NET exporter (OTLP/HTTP protobuf).</summary>
public sealed class OtlpLogAndMetricDecodingTests(StandaloneDashboard dashboard) : IClassFixture<StandaloneDashboard>
{
    [Fact]
    public void Log_records_keep_level_category_formatted_message_attributes_and_trace_context()
    {
        using var activitySource = new ActivitySource("Test.Logs");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Test.Logs",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceId;
        string spanId;
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("payment", serviceInstanceId: "payment", autoGenerateServiceInstanceId: false));
            otel.IncludeFormattedMessage = true;
            otel.AddOtlpExporter(o =>
            {
                o.Endpoint = dashboard.OtlpUri("/v1/logs");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            });
        })))
        {
            var logger = loggerFactory.CreateLogger("Platform.Payment.Charges");
            using (var activity = activitySource.StartActivity("charge")!)
            {
                traceId = activity.TraceId.ToHexString();
                spanId = activity.SpanId.ToHexString();
                logger.LogWarning("Charge {ChargeId} declined after {Attempts} attempts", "ch_42", 3);
            }

            logger.LogError("Gateway down");
            logger.LogDebug("Below the default minimum, never exported");
        }

        var entries = dashboard.Logs.Query(source: "payment");
        Assert.Equal(2, entries.Count);
        var warning = entries[0];
        Assert.Equal("Warning", warning.Level);
        Assert.InRange(warning.SeverityNumber, 13, 16);
        Assert.Equal("Platform.Payment.Charges", warning.Category);
        Assert.Equal("Charge ch_42 declined after 3 attempts", warning.Message);
        Assert.Contains(new TelemetryAttribute("ChargeId", "ch_42"), warning.Attributes);
        Assert.Contains(new TelemetryAttribute("Attempts", "3"), warning.Attributes);
        Assert.Equal(traceId, warning.TraceId);
        Assert.Equal(spanId, warning.SpanId);
        Assert.InRange(warning.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal("Error", entries[1].Level);
        Assert.Null(entries[1].TraceId);
        Assert.Equal([entries[1]], dashboard.Logs.Query(source: "payment", minimumLevel: "Error"));
        Assert.Equal([warning], dashboard.Logs.Query(text: "declined"));
        Assert.Equal([warning], dashboard.Logs.Query(traceId: traceId));
    }

    [Fact]
    public void Counters_gauges_and_histograms_arrive_by_instrument_and_attribute_set()
    {
        var meterName = "Test.Metrics." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var orders = meter.CreateCounter<long>("orders.placed", "{order}", "Orders placed");
        var duration = meter.CreateHistogram<double>("checkout.duration", "ms");
        var queueDepth = 7;
        meter.CreateObservableGauge("queue.depth", () => queueDepth);

        using var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("order", serviceInstanceId: "order", autoGenerateServiceInstanceId: false))
            .AddMeter(meterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = dashboard.OtlpUri("/v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                // Only ForceFlush exports, so the test decides when points are taken.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue;
            })
            .Build();

        orders.Add(2, new KeyValuePair<string, object?>("channel", "web"));
        orders.Add(1, new KeyValuePair<string, object?>("channel", "app"));
        duration.Record(10);
        duration.Record(30);
        Assert.True(provider.ForceFlush(10_000));
        orders.Add(3, new KeyValuePair<string, object?>("channel", "web"));
        duration.Record(100);
        queueDepth = 9;
        Assert.True(provider.ForceFlush(10_000));
        // An interval without measurements adds no histogram point (its mean is undefined, not 0).
        Assert.True(provider.ForceFlush(10_000));

        var instruments = dashboard.Metrics.Instruments("order").Where(i => i.Meter == meterName).ToList();
        Assert.Equal(["checkout.duration", "orders.placed", "queue.depth"], instruments.Select(i => i.Name));
        var counter = instruments.Single(i => i.Name == "orders.placed");
        Assert.Equal(("counter", "{order}", "Orders placed", 2), (counter.Type, counter.Unit, counter.Description, counter.SeriesCount));
        Assert.Equal("histogram", instruments.Single(i => i.Name == "checkout.duration").Type);
        Assert.Equal("gauge", instruments.Single(i => i.Name == "queue.depth").Type);

        var web = dashboard.Metrics.GetSeries("order", meterName, "orders.placed")
            .Single(s => s.Attributes.SequenceEqual([new TelemetryAttribute("channel", "web")]));
        Assert.Equal([2d, 5d, 5d], web.Points.Select(p => p.Value));

        // Cumulative totals become the mean of each interval: (10 + 30) / 2, then 100 / 1.
        var histogram = Assert.Single(dashboard.Metrics.GetSeries("order", meterName, "checkout.duration"));
        Assert.Equal([20d, 100d], histogram.Points.Select(p => p.Value));
        Assert.Equal([2UL, 3UL], histogram.Points.Select(p => p.Count!.Value));
        Assert.Equal(140d, histogram.Points[^1].Sum);

        var gauge = Assert.Single(dashboard.Metrics.GetSeries("order", meterName, "queue.depth"));
        Assert.Equal([7d, 9d, 9d], gauge.Points.Select(p => p.Value));
    }
}
