using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Owns the TracerProvider and MeterProvider. We have no OpenTelemetry.Extensions.Hosting, so the providers are built
/// with the SDK's standalone builders. The host's IConfiguration is handed to them so the exporter and sampler read
/// OTEL_* keys from appsettings as well as from the environment.
/// </summary>
public sealed class PlatformTelemetryProviders : IDisposable
{
    private int _disposed;

    public PlatformTelemetryProviders(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var applicationName = services.GetService<IHostEnvironment>()?.ApplicationName ?? "unknown_service";

        var tracing = services.GetServices<TracingConfigurator>().ToList();
        if (tracing.Count > 0)
        {
            TracerProvider = BuildTracerProvider(configuration, applicationName, tracing);
        }

        var metrics = services.GetServices<MetricsConfigurator>().ToList();
        if (metrics.Count > 0)
        {
            MeterProvider = BuildMeterProvider(configuration, applicationName, metrics);
        }
    }

    public TracerProvider? TracerProvider { get; }

    public MeterProvider? MeterProvider { get; }

    /// <summary>Pushes buffered spans and metrics to the exporters now (tests, and before shutting down).</summary>
    public bool ForceFlush(int timeoutMilliseconds = 5000)
    {
        var traced = TracerProvider?.ForceFlush(timeoutMilliseconds) ?? true;
        var measured = MeterProvider?.ForceFlush(timeoutMilliseconds) ?? true;
        return traced && measured;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Disposing shuts the processors down, which flushes what is still batched.
        TracerProvider?.Dispose();
        MeterProvider?.Dispose();
    }

    private static TracerProvider BuildTracerProvider(
        IConfiguration configuration, string applicationName, List<TracingConfigurator> configurators)
    {
        var builder = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .SetResourceBuilder(PlatformResource.CreateBuilder(applicationName))
            // No SetSampler: the SDK uses OTEL_TRACES_SAMPLER(_ARG) when set, else ParentBased(AlwaysOn).
            .AddSource([.. PlatformTelemetry.ActivitySources]);

        foreach (var configurator in configurators)
        {
            configurator.Configure(builder);
        }

        return builder.Build();
    }

    private static MeterProvider BuildMeterProvider(
        IConfiguration configuration, string applicationName, List<MetricsConfigurator> configurators)
    {
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .SetResourceBuilder(PlatformResource.CreateBuilder(applicationName))
            .AddMeter([.. PlatformTelemetry.Meters]);

        foreach (var configurator in configurators)
        {
            configurator.Configure(builder);
        }

        return builder.Build();
    }
}
