using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServiceDefaults.Tests.Telemetry;

public sealed class TelemetryRegistrationTests
{
    private static WebApplicationBuilder Builder(string? otlpEndpoint)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection([new(OtlpSettings.EndpointKey, otlpEndpoint ?? "")]);
        return builder;
    }

    [Fact]
    public void Without_an_otlp_endpoint_nothing_is_registered()
    {
        var builder = Builder(otlpEndpoint: null);

        builder.AddServiceDefaults();

        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(PlatformTelemetryProviders));
        Assert.DoesNotContain(builder.Services, s => s.ImplementationType == typeof(TelemetryLifetimeService));
        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(ILoggerProvider) && s.ImplementationType == typeof(OpenTelemetryLoggerProvider));
        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(LoggerProvider));
    }

    [Fact]
    public void With_an_otlp_endpoint_traces_metrics_and_logs_are_registered()
    {
        var builder = Builder("http://127.0.0.1:4317");

        builder.AddServiceDefaults();

        Assert.Contains(builder.Services, s => s.ServiceType == typeof(PlatformTelemetryProviders));
        Assert.Single(builder.Services, s => s.ImplementationType == typeof(TelemetryLifetimeService));
        Assert.Equal(1, builder.Services.Count(s => s.ServiceType == typeof(TracingConfigurator)));
        Assert.Equal(1, builder.Services.Count(s => s.ServiceType == typeof(MetricsConfigurator)));
        Assert.Contains(builder.Services, s => s.ServiceType == typeof(LoggerProvider));
    }

    [Fact]
    public void The_trace_and_metric_subscriptions_cover_the_runtime_libraries_and_the_platform()
    {
        Assert.Superset(
            new HashSet<string> { "Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit", "Platform.*" },
            PlatformTelemetry.ActivitySources.ToHashSet());
        Assert.Superset(
            new HashSet<string> { "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime", "Platform.*" },
            PlatformTelemetry.Meters.ToHashSet());
    }
}
