using Platform.Hosting.Dashboard.Api;

namespace Platform.Dashboard.Tests;

/// <summary>However long the AppHost runs, each store holds at most its documented number of items.</summary>
public sealed class TelemetryStoreBoundsTests
{
    private static readonly TelemetrySource Catalog = new("catalog", "catalog-0");

    [Fact]
    public void The_log_store_keeps_the_newest_entries_up_to_its_capacity()
    {
        var store = new LogStore(capacity: 100);
        for (var i = 1; i <= 250; i++)
        {
            var n = i;
            store.Add(sequence => new LogEntry(sequence, DateTimeOffset.UtcNow, Catalog, 9, "Information", "c", $"message {n}", [], null, null));
        }

        Assert.Equal(100, store.Count);
        var all = store.Query(limit: int.MaxValue);
        Assert.Equal("message 151", all[0].Message);
        Assert.Equal("message 250", all[^1].Message);
        Assert.Equal(10, store.Query(limit: 10).Count);
        Assert.Equal("message 250", store.Query(limit: 10)[^1].Message);
        Assert.Equal(LogStore.DefaultCapacity, new LogStore().Capacity);
    }

    [Fact]
    public void The_trace_store_drops_whole_old_traces_and_caps_spans_per_trace()
    {
        var store = new TraceStore(maxTraces: 10, maxSpansPerTrace: 5);
        for (var t = 0; t < 25; t++)
        {
            store.Add(Span($"{t:x32}", $"{1:x16}", parent: null));
        }

        Assert.Equal(10, store.TraceCount);
        Assert.Empty(store.GetTrace($"{14:x32}"));
        Assert.Single(store.GetTrace($"{15:x32}"));
        Assert.Equal($"{24:x32}", store.Query()[0].TraceId);

        for (var s = 2; s < 12; s++)
        {
            store.Add(Span($"{24:x32}", $"{s:x16}", parent: $"{1:x16}"));
        }

        Assert.Equal(5, store.GetTrace($"{24:x32}").Count);
        Assert.Equal(6, store.DroppedSpans);
    }

    [Fact]
    public void The_metric_store_rings_points_and_caps_series_and_instruments()
    {
        var store = new MetricStore(maxInstruments: 3, maxSeriesPerInstrument: 2, maxPointsPerSeries: 4);
        for (var i = 0; i < 10; i++)
        {
            store.Add("catalog-0", "m", "requests", "", "", "counter", [], new MetricPoint(DateTimeOffset.UtcNow, i));
        }

        Assert.Equal([6d, 7d, 8d, 9d], Assert.Single(store.GetSeries("catalog-0", "m", "requests")).Points.Select(p => p.Value));

        for (var i = 0; i < 5; i++)
        {
            store.Add("catalog-0", "m", "by-route", "", "", "counter", [new TelemetryAttribute("route", $"/r{i}")], new MetricPoint(DateTimeOffset.UtcNow, 1));
            store.Add("catalog-0", "m", $"instrument-{i}", "", "", "gauge", [], new MetricPoint(DateTimeOffset.UtcNow, 1));
        }

        Assert.Equal(2, store.GetSeries("catalog-0", "m", "by-route").Count);
        Assert.Equal(3, store.Instruments().Count);
    }

    [Fact]
    public void A_waterfall_nests_children_under_parents_and_keeps_orphans_as_roots()
    {
        var start = DateTimeOffset.UtcNow;
        var trace = new string('a', 32);
        var spans = new[]
        {
            Span(trace, "0000000000000002", "0000000000000001", start.AddMilliseconds(10), 20),
            Span(trace, "0000000000000001", null, start, 100),
            Span(trace, "0000000000000003", "0000000000000001", start.AddMilliseconds(5), 2),
            Span(trace, "0000000000000004", "00000000000000ff", start.AddMilliseconds(50), 10),
        };

        var waterfall = TraceWaterfall.Build(spans);

        Assert.Equal(["0000000000000001", "0000000000000003", "0000000000000002", "0000000000000004"], waterfall.Rows.Select(r => r.SpanId));
        Assert.Equal([0, 1, 1, 0], waterfall.Rows.Select(r => r.Depth));
        Assert.Equal(100, waterfall.DurationMs, 3);
        Assert.Equal(10, waterfall.Rows[2].OffsetMs, 3);
    }

    private static SpanData Span(string traceId, string spanId, string? parent, DateTimeOffset? start = null, double durationMs = 1)
    {
        var begin = start ?? DateTimeOffset.UtcNow;
        return new SpanData(traceId, spanId, parent, "span", "Internal", begin, begin.AddMilliseconds(durationMs), Catalog, "s", "Unset", null, [], []);
    }
}
