using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Dashboard.Otlp;
using Platform.Hosting.Dashboard.Telemetry;

namespace Platform.Hosting.Dashboard;

public static class DashboardRegistration
{
    /// <summary><c>Dashboard:Enabled</c> decides when set; otherwise the dashboard runs except under the testing
    /// builder, as Aspire's testing builder disables its dashboard (a test opts in with <c>Dashboard:Enabled=true</c>).</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration["Dashboard:Enabled"] is { Length: > 0 } enabled
            ? !string.Equals(enabled, "false", StringComparison.OrdinalIgnoreCase)
            : !configuration.GetValue<bool>("AppHost:Testing");

    /// <summary>Registers the dashboard (run mode) and points every project's OTLP exporter at its receiver.</summary>
    public static void AddDashboard(this IServiceCollection services, IConfiguration configuration, IEnumerable<IResource> resources)
    {
        var settings = DashboardSettings.FromConfiguration(configuration);
        configuration[DashboardSettings.OtlpEndpointKey] = settings.ExportEndpointUrl;
        foreach (var project in resources.OfType<ProjectResource>())
        {
            // As Aspire does for local runs: export every second, so a request shows up while you look for it.
            project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables.TryAdd("OTEL_BSP_SCHEDULE_DELAY", "1000");
                context.EnvironmentVariables.TryAdd("OTEL_BLRP_SCHEDULE_DELAY", "1000");
                context.EnvironmentVariables.TryAdd("OTEL_METRIC_EXPORT_INTERVAL", "1000");
                return Task.CompletedTask;
            }));
        }

        services.AddSingleton(settings);
        services.AddSingleton<TraceStore>(_ => new TraceStore());
        services.AddSingleton<LogStore>(_ => new LogStore());
        services.AddSingleton<MetricStore>(_ => new MetricStore());
        services.AddSingleton<OtlpIngestion>();
        services.AddSingleton<OtlpHttpReceiver>();
        services.AddSingleton<DashboardServer>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardServer>());
    }
}
