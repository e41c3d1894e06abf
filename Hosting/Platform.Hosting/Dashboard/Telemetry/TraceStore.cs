namespace Platform.Hosting.Dashboard.Telemetry;

public sealed record TraceSummary(
    string TraceId,
    string Name,
    DateTimeOffset Start,
    double DurationMs,
    int SpanCount,
    IReadOnlyList<string> Sources,
    bool HasError);

/// <summary>Spans received over OTLP, grouped by trace. Bounded twice: at most <see cref="MaxTraces"/> traces (the
/// oldest trace is dropped whole when a new one arrives) and at most <see cref="MaxSpansPerTrace"/> spans in one trace
/// (later spans of a runaway trace are counted, not kept).</summary>
public sealed class TraceStore(int maxTraces = TraceStore.DefaultMaxTraces, int maxSpansPerTrace = TraceStore.DefaultMaxSpansPerTrace)
{
    public const int DefaultMaxTraces = 2_000;
    public const int DefaultMaxSpansPerTrace = 1_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<SpanData>> _traces = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _arrivalOrder = new();

    public int MaxTraces => maxTraces;

    public int MaxSpansPerTrace => maxSpansPerTrace;

    public long DroppedSpans { get; private set; }

    public int TraceCount
    {
        get
        {
            lock (_gate)
            {
                return _traces.Count;
            }
        }
    }

    public void Add(SpanData span)
    {
        lock (_gate)
        {
            if (!_traces.TryGetValue(span.TraceId, out var spans))
            {
                spans = [];
                _traces[span.TraceId] = spans;
                _arrivalOrder.AddLast(span.TraceId);
                while (_traces.Count > maxTraces)
                {
                    _traces.Remove(_arrivalOrder.First!.Value);
                    _arrivalOrder.RemoveFirst();
                }
            }

            if (spans.Count >= maxSpansPerTrace)
            {
                DroppedSpans++;
                return;
            }

            spans.Add(span);
        }
    }

    /// <summary>The newest traces first, filtered by a source (instance or service name) and a text in any span's name.</summary>
    public IReadOnlyList<TraceSummary> Query(string? source = null, string? text = null, int limit = 200)
    {
        List<List<SpanData>> newestFirst;
        lock (_gate)
        {
            newestFirst = [.. _arrivalOrder.Reverse().Select(id => _traces[id].ToList())];
        }

        return [.. newestFirst
            .Where(spans => string.IsNullOrEmpty(source) || spans.Any(s => s.Source.Name == source || s.Source.ServiceName == source))
            .Where(spans => string.IsNullOrEmpty(text) || spans.Any(s => s.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
                || s.TraceId.StartsWith(text, StringComparison.OrdinalIgnoreCase)))
            .Take(limit)
            .Select(Summarize)];
    }

    /// <summary>Every span of one trace, ordered by start time; empty when the trace is unknown or was dropped.</summary>
    public IReadOnlyList<SpanData> GetTrace(string traceId)
    {
        lock (_gate)
        {
            return _traces.TryGetValue(traceId, out var spans) ? [.. spans.OrderBy(s => s.Start)] : [];
        }
    }

    private static TraceSummary Summarize(List<SpanData> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans.MinBy(s => s.Start)!;
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.End);
        return new TraceSummary(
            root.TraceId,
            $"{root.Source.ServiceName}: {root.Name}",
            start,
            (end - start).TotalMilliseconds,
            spans.Count,
            [.. spans.Select(s => s.Source.ServiceName).Distinct().Order(StringComparer.Ordinal)],
            spans.Any(s => s.Status == "Error"));
    }
}
