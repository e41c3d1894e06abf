using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Logs;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Metrics;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Trace;
using Platform.Hosting.Dashboard.Otlp.Proto.Metrics;
using Platform.Hosting.Dashboard.Otlp.Proto.Trace;
using Platform.Hosting.Dashboard.Telemetry;

namespace Platform.Hosting.Dashboard.Otlp;

/// <summary>Moves decoded OTLP export requests into the dashboard's stores.</summary>
internal sealed class OtlpIngestion(TraceStore traces, LogStore logs, MetricStore metrics)
{
    public int Add(ExportTraceServiceRequest request)
    {
        var count = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var source = OtlpValues.Source(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    if (OtlpValues.Id(span.TraceId) is not { } traceId || OtlpValues.Id(span.SpanId) is not { } spanId)
                    {
                        continue;
                    }

                    traces.Add(new SpanData(
                        traceId,
                        spanId,
                        OtlpValues.Id(span.ParentSpanId),
                        span.Name,
                        KindName(span.Kind),
                        OtlpValues.Time(span.StartTimeUnixNano),
                        OtlpValues.Time(Math.Max(span.EndTimeUnixNano, span.StartTimeUnixNano)),
                        source,
                        scope,
                        StatusName(span.Status),
                        string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        OtlpValues.Attributes(span.Attributes),
                        [.. span.Events.Select(e => new SpanEventData(OtlpValues.Time(e.TimeUnixNano), e.Name, OtlpValues.Attributes(e.Attributes)))]));
                    count++;
                }
            }
        }

        return count;
    }

    public int Add(ExportLogsServiceRequest request)
    {
        var count = 0;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var source = OtlpValues.Source(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = scopeLogs.Scope?.Name ?? "";
                foreach (var record in scopeLogs.LogRecords)
                {
                    var severity = (int)record.SeverityNumber;
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    logs.Add(sequence => new LogEntry(
                        sequence,
                        time != 0 ? OtlpValues.Time(time) : DateTimeOffset.UtcNow,
                        source,
                        severity,
                        LogLevels.FromSeverity(severity),
                        scope,
                        OtlpValues.Format(record.Body),
                        OtlpValues.Attributes(record.Attributes),
                        OtlpValues.Id(record.TraceId),
                        OtlpValues.Id(record.SpanId)));
                    count++;
                }
            }
        }

        return count;
    }

    public int Add(ExportMetricsServiceRequest request)
    {
        var count = 0;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var source = OtlpValues.Source(resourceMetrics.Resource).Name;
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var meter = scopeMetrics.Scope?.Name ?? "";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    count += AddMetric(source, meter, metric);
                }
            }
        }

        return count;
    }

    private int AddMetric(string source, string meter, Metric metric)
    {
        var count = 0;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints)
                {
                    AddNumber(source, meter, metric, "gauge", point);
                    count++;
                }

                break;
            case Metric.DataOneofCase.Sum:
                foreach (var point in metric.Sum.DataPoints)
                {
                    AddNumber(source, meter, metric, metric.Sum.IsMonotonic ? "counter" : "updown-counter", point);
                    count++;
                }

                break;
            case Metric.DataOneofCase.Histogram:
                var cumulative = metric.Histogram.AggregationTemporality == AggregationTemporality.Cumulative;
                foreach (var point in metric.Histogram.DataPoints)
                {
                    AddHistogram(source, meter, metric, cumulative, point);
                    count++;
                }

                break;
        }

        return count;
    }

    private void AddNumber(string source, string meter, Metric metric, string type, NumberDataPoint point)
    {
        var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
        metrics.Add(source, meter, metric.Name, metric.Description, metric.Unit, type, OtlpValues.Attributes(point.Attributes),
            new MetricPoint(OtlpValues.Time(point.TimeUnixNano), value));
    }

    private void AddHistogram(string source, string meter, Metric metric, bool cumulative, HistogramDataPoint point)
    {
        var attributes = OtlpValues.Attributes(point.Attributes);
        var sum = point.HasSum ? point.Sum : 0;
        var count = point.Count;
        if (cumulative && metrics.LastPoint(source, meter, metric.Name, attributes) is { Count: { } previousCount, Sum: { } previousSum }
            && point.Count >= previousCount)
        {
            // Totals since start would flatten the chart; the mean of the last interval shows what changed.
            count = point.Count - previousCount;
            sum -= previousSum;
        }

        // An interval without measurements has no mean; drawing it as 0 would read as "instant".
        if (count == 0)
        {
            return;
        }

        var mean = sum / count;
        metrics.Add(source, meter, metric.Name, metric.Description, metric.Unit, "histogram", attributes,
            new MetricPoint(OtlpValues.Time(point.TimeUnixNano), mean, point.Count, point.HasSum ? point.Sum : 0));
    }

    private static string KindName(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Internal => "Internal",
        Span.Types.SpanKind.Server => "Server",
        Span.Types.SpanKind.Client => "Client",
        Span.Types.SpanKind.Producer => "Producer",
        Span.Types.SpanKind.Consumer => "Consumer",
        _ => "Unspecified",
    };

    private static string StatusName(Status? status) => status?.Code switch
    {
        Status.Types.StatusCode.Ok => "Ok",
        Status.Types.StatusCode.Error => "Error",
        _ => "Unset",
    };
}
