using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

// Registered as DI services so callers can add exporters/sources before the providers are built at host start.
internal sealed record TracingConfigurator(Action<TracerProviderBuilder> Configure);

internal sealed record MetricsConfigurator(Action<MeterProviderBuilder> Configure);
