namespace Platform.Hosting.Dashboard.Telemetry;

public sealed record InstrumentSummary(string Source, string Meter, string Name, string Description, string Unit, string Type, int SeriesCount);

public sealed record MetricSeries(IReadOnlyList<TelemetryAttribute> Attributes, IReadOnlyList<MetricPoint> Points);

/// <summary>Metrics received over OTLP, by source (instance), meter and instrument. Bounded three ways:
/// <see cref="MaxInstruments"/> instruments (new ones beyond are ignored), <see cref="MaxSeriesPerInstrument"/>
/// attribute sets per instrument (same), and a ring of <see cref="MaxPointsPerSeries"/> points per series.</summary>
public sealed class MetricStore(
    int maxInstruments = MetricStore.DefaultMaxInstruments,
    int maxSeriesPerInstrument = MetricStore.DefaultMaxSeriesPerInstrument,
    int maxPointsPerSeries = MetricStore.DefaultMaxPointsPerSeries)
{
    public const int DefaultMaxInstruments = 1_000;
    public const int DefaultMaxSeriesPerInstrument = 50;
    public const int DefaultMaxPointsPerSeries = 360;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Source, string Meter, string Name), Instrument> _instruments = [];

    public int MaxInstruments => maxInstruments;

    public int MaxSeriesPerInstrument => maxSeriesPerInstrument;

    public int MaxPointsPerSeries => maxPointsPerSeries;

    public void Add(string source, string meter, string name, string description, string unit, string type,
        IReadOnlyList<TelemetryAttribute> attributes, MetricPoint point)
    {
        lock (_gate)
        {
            var key = (source, meter, name);
            if (!_instruments.TryGetValue(key, out var instrument))
            {
                if (_instruments.Count >= maxInstruments)
                {
                    return;
                }

                instrument = new Instrument(description, unit, type);
                _instruments[key] = instrument;
            }

            var seriesKey = string.Join("\n", attributes.Select(a => $"{a.Key}={a.Value}"));
            if (!instrument.Series.TryGetValue(seriesKey, out var series))
            {
                if (instrument.Series.Count >= maxSeriesPerInstrument)
                {
                    return;
                }

                series = new Series(attributes);
                instrument.Series[seriesKey] = series;
            }

            series.Points.Enqueue(point);
            while (series.Points.Count > maxPointsPerSeries)
            {
                series.Points.Dequeue();
            }
        }
    }

    public IReadOnlyList<InstrumentSummary> Instruments(string? source = null)
    {
        lock (_gate)
        {
            return [.. _instruments
                .Where(i => string.IsNullOrEmpty(source) || i.Key.Source == source)
                .OrderBy(i => i.Key.Source, StringComparer.Ordinal).ThenBy(i => i.Key.Meter, StringComparer.Ordinal).ThenBy(i => i.Key.Name, StringComparer.Ordinal)
                .Select(i => new InstrumentSummary(i.Key.Source, i.Key.Meter, i.Key.Name, i.Value.Description, i.Value.Unit, i.Value.Type, i.Value.Series.Count))];
        }
    }

    public IReadOnlyList<MetricSeries> GetSeries(string source, string meter, string name)
    {
        lock (_gate)
        {
            return _instruments.TryGetValue((source, meter, name), out var instrument)
                ? [.. instrument.Series.Values.Select(s => new MetricSeries(s.Attributes, [.. s.Points]))]
                : [];
        }
    }

    /// <summary>The last point of a series, which a cumulative histogram needs to turn its totals into an interval mean.</summary>
    public MetricPoint? LastPoint(string source, string meter, string name, IReadOnlyList<TelemetryAttribute> attributes)
    {
        lock (_gate)
        {
            var seriesKey = string.Join("\n", attributes.Select(a => $"{a.Key}={a.Value}"));
            return _instruments.TryGetValue((source, meter, name), out var instrument) && instrument.Series.TryGetValue(seriesKey, out var series)
                && series.Points.Count > 0 ? series.Points.Last() : null;
        }
    }

    private sealed class Instrument(string description, string unit, string type)
    {
        public string Description { get; } = description;

        public string Unit { get; } = unit;

        public string Type { get; } = type;

        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Series(IReadOnlyList<TelemetryAttribute> attributes)
    {
        public IReadOnlyList<TelemetryAttribute> Attributes { get; } = attributes;

        public Queue<MetricPoint> Points { get; } = new();
    }
}
