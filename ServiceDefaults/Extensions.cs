using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Health;
using Platform.ServiceDefaults.Telemetry;
using Platform.ServiceDefaults.Web;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every platform service gets, the way an Aspire ServiceDefaults project provides it.</summary>
public static class Extensions
{
    /// <summary>
    /// OpenTelemetry (when OTEL_EXPORTER_OTLP_ENDPOINT is set), health checks, resilience and service discovery on
    /// every HttpClient, problem details, JSON options, request limits and graceful shutdown. Calling it twice is
    /// harmless.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(ServiceDefaultsMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<ServiceDefaultsMarker>();

        builder.AddPlatformOpenTelemetry();
        builder.AddPlatformHealthChecks();
        builder.AddPlatformWebDefaults();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Order matters: resilience outside, discovery inside, so each retry picks an endpoint again.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Problem details for errors, then /health (readiness) and /alive (liveness) in every environment unless
    /// HealthChecks:Enabled is false. Call it right after Build() so the exception handler wraps the whole pipeline.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UsePlatformProblemDetails();
        app.MapPlatformHealthEndpoints();
        return app;
    }

    private sealed class ServiceDefaultsMarker;
}
