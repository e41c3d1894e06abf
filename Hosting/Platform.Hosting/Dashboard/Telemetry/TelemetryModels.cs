namespace Platform.Hosting.Dashboard.Telemetry;

/// <summary>Who sent a piece of telemetry: the service (<c>service.name</c>) and the replica
/// (<c>service.instance.id</c>, which the orchestrator sets to the instance name, e.g. <c>catalog-0</c>).</summary>
public sealed record TelemetrySource(string ServiceName, string? InstanceId)
{
    /// <summary>The name the dashboard shows, matching the resource page's instance names.</summary>
    public string Name => string.IsNullOrEmpty(InstanceId) ? ServiceName : InstanceId;
}

public sealed record TelemetryAttribute(string Key, string Value);

public sealed record SpanEventData(DateTimeOffset Time, string Name, IReadOnlyList<TelemetryAttribute> Attributes);

public sealed record SpanData(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    TelemetrySource Source,
    string Scope,
    string Status,
    string? StatusMessage,
    IReadOnlyList<TelemetryAttribute> Attributes,
    IReadOnlyList<SpanEventData> Events)
{
    public double DurationMs => (End - Start).TotalMilliseconds;
}

public sealed record LogEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    TelemetrySource Source,
    int SeverityNumber,
    string Level,
    string Category,
    string Message,
    IReadOnlyList<TelemetryAttribute> Attributes,
    string? TraceId,
    string? SpanId);

/// <summary>One exported value of one series. For histograms <see cref="Value"/> is the mean of the interval
/// (change of sum over change of count) so a chart of durations reads naturally; Count and Sum are as exported.</summary>
public sealed record MetricPoint(DateTimeOffset Time, double Value, ulong? Count = null, double? Sum = null);

public static class LogLevels
{
    /// <summary>Maps an OTLP severity number (1-24) to the level names of Microsoft.Extensions.Logging.</summary>
    public static string FromSeverity(int severityNumber) => severityNumber switch
    {
        <= 0 => "Unspecified",
        <= 4 => "Trace",
        <= 8 => "Debug",
        <= 12 => "Information",
        <= 16 => "Warning",
        <= 20 => "Error",
        _ => "Critical",
    };

    /// <summary>The lowest severity number of a level name, for "this level and above" filters.</summary>
    public static int MinimumSeverity(string? level) => level?.ToLowerInvariant() switch
    {
        "trace" => 1,
        "debug" => 5,
        "information" or "info" => 9,
        "warning" or "warn" => 13,
        "error" => 17,
        "critical" or "fatal" => 21,
        _ => 0,
    };
}
