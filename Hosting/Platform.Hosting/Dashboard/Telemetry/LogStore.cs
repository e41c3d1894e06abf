namespace Platform.Hosting.Dashboard.Telemetry;

/// <summary>Structured logs received over OTLP, newest kept: a ring of <see cref="Capacity"/> entries across all
/// resources, so a chatty service cannot grow the AppHost's memory, only push older entries out.</summary>
public sealed class LogStore(int capacity = LogStore.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<LogEntry> _entries = new();
    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);
    private long _sequence;

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public void Add(Func<long, LogEntry> create)
    {
        lock (_gate)
        {
            var entry = create(++_sequence);
            _entries.Enqueue(entry);
            _sources.Add(entry.Source.Name);
            while (_entries.Count > capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    public IReadOnlyList<string> Sources
    {
        get
        {
            lock (_gate)
            {
                return [.. _sources.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The newest <paramref name="limit"/> entries that match, oldest first.</summary>
    public IReadOnlyList<LogEntry> Query(string? source = null, string? minimumLevel = null, string? text = null, string? traceId = null, int limit = 500)
    {
        var minimumSeverity = LogLevels.MinimumSeverity(minimumLevel);
        List<LogEntry> snapshot;
        lock (_gate)
        {
            snapshot = [.. _entries];
        }

        var matches = snapshot.Where(e =>
            (string.IsNullOrEmpty(source) || e.Source.Name == source || e.Source.ServiceName == source)
            && e.SeverityNumber >= minimumSeverity
            && (string.IsNullOrEmpty(traceId) || e.TraceId == traceId)
            && (string.IsNullOrEmpty(text) || Contains(e, text)));
        return [.. matches.TakeLast(limit)];
    }

    private static bool Contains(LogEntry entry, string text) =>
        entry.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Category.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Attributes.Any(a => a.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}
