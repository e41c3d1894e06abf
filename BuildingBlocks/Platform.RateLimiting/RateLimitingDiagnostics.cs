using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.RateLimiting;

/// <summary>Names for OpenTelemetry registration: <c>AddSource(RateLimitingDiagnostics.ActivitySourceName)</c>, <c>AddMeter(RateLimitingDiagnostics.MeterName)</c>.</summary>
public static class RateLimitingDiagnostics
{
    public const string ActivitySourceName = "Platform.RateLimiting";

    public const string MeterName = "Platform.RateLimiting";

    internal static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    internal static readonly Meter Meter = new(MeterName, "1.0.0");

    internal static readonly Counter<long> LeaseRequests = Meter.CreateCounter<long>(
        "platform.ratelimit.lease_requests", unit: "{request}", description: "Batches of permits requested from Redis (one script call each).");

    internal static readonly Counter<long> PermitsLeased = Meter.CreateCounter<long>(
        "platform.ratelimit.permits_leased", unit: "{permit}", description: "Permits granted by Redis to this instance.");

    internal static readonly Counter<long> PermitsExpired = Meter.CreateCounter<long>(
        "platform.ratelimit.permits_expired", unit: "{permit}", description: "Leased permits that expired unused (counted against the budget anyway).");

    internal static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "platform.ratelimit.rejected", unit: "{request}", description: "Acquisitions rejected, tagged ratelimit.source = redis | fallback.");

    internal static readonly Counter<long> FallbackDecisions = Meter.CreateCounter<long>(
        "platform.ratelimit.fallback", unit: "{request}", description: "Acquisitions decided by the local fallback limiter because Redis was unavailable or too slow.");
}
