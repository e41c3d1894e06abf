using Platform.Hosting.Dashboard.Telemetry;

namespace Platform.Hosting.Dashboard.Api;

public sealed record WaterfallRow(
    string SpanId,
    string? ParentSpanId,
    int Depth,
    string Name,
    string Kind,
    string Source,
    string Service,
    double OffsetMs,
    double DurationMs,
    string Status,
    string? StatusMessage,
    IReadOnlyList<TelemetryAttribute> Attributes,
    IReadOnlyList<SpanEventData> Events);

public sealed record Waterfall(string TraceId, DateTimeOffset Start, double DurationMs, IReadOnlyList<string> Services, IReadOnlyList<WaterfallRow> Rows);

/// <summary>Orders a trace's spans as a tree (each child under its parent, siblings by start time) with offsets from
/// the trace's start, which is all the page needs to draw the bars.</summary>
public static class TraceWaterfall
{
    public static Waterfall Build(IReadOnlyList<SpanData> spans)
    {
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.End);
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = spans.Where(s => s.ParentSpanId is not null && ids.Contains(s.ParentSpanId))
            .ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        var roots = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start);

        var rows = new List<WaterfallRow>(spans.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Visit(SpanData span, int depth)
        {
            // A malformed trace may repeat a span id; each span is drawn once.
            if (!visited.Add(span.SpanId))
            {
                return;
            }

            rows.Add(new WaterfallRow(span.SpanId, span.ParentSpanId, depth, span.Name, span.Kind, span.Source.Name, span.Source.ServiceName,
                (span.Start - start).TotalMilliseconds, span.DurationMs, span.Status, span.StatusMessage, span.Attributes, span.Events));
            foreach (var child in children[span.SpanId].OrderBy(c => c.Start))
            {
                Visit(child, depth + 1);
            }
        }

        foreach (var root in roots)
        {
            Visit(root, 0);
        }

        return new Waterfall(spans[0].TraceId, start, (end - start).TotalMilliseconds,
            [.. spans.Select(s => s.Source.ServiceName).Distinct().Order(StringComparer.Ordinal)], rows);
    }
}
