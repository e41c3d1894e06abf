using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Health;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Telemetry;
using Platform.ServiceDefaults.Web;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service gets, in the shape of Aspire's ServiceDefaults template: OpenTelemetry, health checks, the
/// standard resilience handler and service discovery on every HttpClient. Where it differs, on purpose:
/// <list type="bullet">
/// <item>/health and /alive are mapped in every environment (the template maps them only in Development, so
/// production probes would 404), and /health answers JSON naming each check (the template answers plain text);</item>
/// <item>a POST or PATCH is retried only when it carries an Idempotency-Key (the standard handler retries any method);</item>
/// <item>without an OTLP endpoint no telemetry is collected at all (the template still creates every span);</item>
/// <item>a trace starts only at a unit of work (a request, a message), never at a background loop's database poll or
/// lock (<see cref="UnitOfWorkRootSampler"/>), and one in ten outside Development;</item>
/// <item>problem details, the platform's JSON options, a request body limit and a draining shutdown.</item>
/// </list>
/// </summary>
public static class Extensions
{
    /// <summary>The ActivitySources traced: the platform's own ("Platform.Locking", "Platform.Messaging" ...) and the
    /// libraries'. Not FusionCache's: its operation and memory-level spans would come with every request a memory hit
    /// answers, the hottest path there is, and its Redis-level spans repeat the Redis instrumentation's own.</summary>
    public static readonly IReadOnlyList<string> TracedSources = ["Platform.*", "MassTransit", "Npgsql"];

    /// <summary>The Meters exported: the platform's and the libraries', FusionCache's hit, miss and stale counts included
    /// (counters cost nanoseconds; a span costs an export).</summary>
    public static readonly IReadOnlyList<string> Meters =
        [.. TracedSources, "ZiggyCreatures.Caching.Fusion", "ZiggyCreatures.Caching.Fusion.Distributed", "ZiggyCreatures.Caching.Fusion.Backplane"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // a second call (a library that calls it too) must not register everything twice
        if (builder.Services.Any(service => service.ServiceType == typeof(ServiceDefaultsMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<ServiceDefaultsMarker>();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddPlatformWebDefaults();
        builder.AddPlatformOpenApi();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddPlatformResilienceHandler(builder.Configuration);
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Nothing receives telemetry without an endpoint: then no span, metric or log record is made at all, rather
        // than made and dropped on every request.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([.. Meters]))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new UnitOfWorkRootSampler(new TraceIdRatioBasedSampler(TraceSamplingRatio(builder.Configuration, builder.Environment)))))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource([.. TracedSources])
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !HealthEndpoints.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();

        // With http/protobuf the exporters send through HttpClientFactory: they must not share the default circuit
        // breaker, which a collector that is down would open for the service's own calls.
        foreach (var exporter in new[] { "OtlpTraceExporter", "OtlpMetricExporter", "OtlpLogExporter" })
        {
#pragma warning disable EXTEXP0001 // experimental, and the library's documented way to opt one client out
            builder.Services.AddHttpClient(exporter).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        }

        return builder;
    }

    /// <summary>Setting for the share of new traces recorded (0 to 1).</summary>
    public const string TraceSamplingRatioKey = "OpenTelemetry:Tracing:SamplingRatio";

    /// <summary>
    /// The share of traces a service starts that are recorded: <see cref="TraceSamplingRatioKey"/>, else every one in
    /// Development and one in ten elsewhere. Exporting a span per request cost a memory-hit read 40 % of its
    /// throughput (docs/benchmarks.md); at tens of thousands of requests a second one in ten still shows every route
    /// many times a second. Parent-based: a request that arrives in a recorded trace is recorded, so a trace is kept or
    /// dropped whole across services.
    /// </summary>
    public static double TraceSamplingRatio(IConfiguration configuration, IHostEnvironment environment) =>
        Math.Clamp(configuration.GetValue<double?>(TraceSamplingRatioKey) ?? (environment.IsDevelopment() ? 1.0 : 0.1), 0, 1);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => Diagnostics.HealthChecks.HealthCheckResult.Healthy("The process answers."), [HealthEndpoints.LiveTag]);
        // the default service, wrapped so that probes share a run (later AddHealthChecks calls only add checks)
        if (builder.Services.Single(service => service.ServiceType == typeof(Diagnostics.HealthChecks.HealthCheckService)) is { ImplementationType: { } runner } registered)
        {
            builder.Services.Remove(registered);
            builder.Services.AddSingleton<Diagnostics.HealthChecks.HealthCheckService>(services => new CoalescedHealthChecks(
                (Diagnostics.HealthChecks.HealthCheckService)ActivatorUtilities.CreateInstance(services, runner), TimeProvider.System));
        }

        return builder;
    }

    /// <summary>
    /// Trusted forwarded headers and problem details for errors, then /health (readiness) and /alive (liveness) in
    /// every environment unless HealthChecks:Enabled is false, the OpenAPI document, then authentication and authorization where the service
    /// registered them (inside the problem-details middleware, so a 401 or 403 gets a problem body too). Call it right
    /// after Build() so the exception handler wraps the whole pipeline.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UsePlatformProblemDetails();
        app.MapPlatformHealthEndpoints();
        app.MapOpenApi(PlatformOpenApi.DocumentPath);
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
        }

        if (app.Services.GetService<Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider>() is not null)
        {
            app.UseAuthorization();
        }

        return app;
    }

    private sealed class ServiceDefaultsMarker;
}
