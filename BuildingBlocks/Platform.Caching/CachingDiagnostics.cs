using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Caching;

/// <summary>Names for OpenTelemetry registration: <c>AddSource(CachingDiagnostics.ActivitySourceName)</c>, <c>AddMeter(CachingDiagnostics.MeterName)</c>.</summary>
public static class CachingDiagnostics
{
    public const string ActivitySourceName = "Platform.Caching";

    public const string MeterName = "Platform.Caching";

    internal static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    internal static readonly Meter Meter = new(MeterName, "1.0.0");

    internal static readonly Counter<long> Hits = Meter.CreateCounter<long>(
        "platform.cache.hits", unit: "{hit}", description: "Fresh values served, tagged cache.level = l1 | l2.");

    internal static readonly Counter<long> Misses = Meter.CreateCounter<long>(
        "platform.cache.misses", unit: "{miss}", description: "Reads that found no fresh value in either level.");

    internal static readonly Counter<long> StaleServed = Meter.CreateCounter<long>(
        "platform.cache.stale_served", unit: "{value}", description: "Expired values served because the factory or Redis failed, or another instance was computing.");

    internal static readonly Counter<long> FactoryCalls = Meter.CreateCounter<long>(
        "platform.cache.factory.calls", unit: "{call}", description: "Factory invocations, tagged with error.type on failure.");

    internal static readonly Histogram<double> FactoryDuration = Meter.CreateHistogram<double>(
        "platform.cache.factory.duration", unit: "s", description: "Factory duration.");

    internal static readonly KeyValuePair<string, object?> LevelL1 = new("cache.level", "l1");

    internal static readonly KeyValuePair<string, object?> LevelL2 = new("cache.level", "l2");
}
