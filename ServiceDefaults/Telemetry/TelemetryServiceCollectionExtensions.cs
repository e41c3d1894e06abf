using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. When it is not, nothing is
    /// registered: no ActivityListener, no MeterListener, no logging provider.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformOpenTelemetry(this IHostApplicationBuilder builder)
    {
        if (!OtlpSettings.IsExportConfigured(builder.Configuration))
        {
            return builder;
        }

        var applicationName = builder.Environment.ApplicationName;

        // The logging provider lives in the host's container, so the exporter reads the host's IConfiguration itself.
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging
            .SetResourceBuilder(PlatformResource.CreateBuilder(applicationName))
            .AddOtlpExporter());

        builder.Services.ConfigurePlatformTracing(tracing => tracing.AddOtlpExporter());
        builder.Services.ConfigurePlatformMetrics(metrics => metrics.AddOtlpExporter());
        return builder;
    }

    /// <summary>
    /// Adds to the platform's TracerProvider (an extra source, processor or exporter) and makes sure one is built,
    /// even without OTLP: tests use this to capture spans in memory.
    /// </summary>
    public static IServiceCollection ConfigurePlatformTracing(
        this IServiceCollection services, Action<TracerProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new TracingConfigurator(configure));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ServerSpanStartupFilter>());
        return services.AddPlatformTelemetryProviders();
    }

    /// <summary>Adds to the platform's MeterProvider and makes sure one is built.</summary>
    public static IServiceCollection ConfigurePlatformMetrics(
        this IServiceCollection services, Action<MeterProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new MetricsConfigurator(configure));
        return services.AddPlatformTelemetryProviders();
    }

    private static IServiceCollection AddPlatformTelemetryProviders(this IServiceCollection services)
    {
        services.TryAddSingleton<PlatformTelemetryProviders>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TelemetryLifetimeService>());
        return services;
    }
}
