using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Idempotency;

/// <summary>Names for OpenTelemetry registration: <c>AddSource(IdempotencyDiagnostics.ActivitySourceName)</c>, <c>AddMeter(IdempotencyDiagnostics.MeterName)</c>.</summary>
public static class IdempotencyDiagnostics
{
    public const string ActivitySourceName = "Platform.Idempotency";

    public const string MeterName = "Platform.Idempotency";

    internal static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    internal static readonly Meter Meter = new(MeterName, "1.0.0");

    /// <summary>Tagged idempotency.outcome = executed | replayed | conflict | mismatch | abandoned | unavailable.</summary>
    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "platform.idempotency.requests", unit: "{request}", description: "Requests carrying an idempotency key, by outcome.");

    internal static void Record(string outcome) => Requests.Add(1, new KeyValuePair<string, object?>("idempotency.outcome", outcome));
}
