using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Health;

public static class HealthCheckExtensions
{
    /// <summary>
    /// Maps /health and /alive in every environment (unlike Aspire's template, which maps them only in Development,
    /// so probes 404 in production). HealthChecks:Enabled=false leaves them unmapped.
    /// </summary>
    public static WebApplication MapPlatformHealthEndpoints(this WebApplication app)
    {
        if (!app.Configuration.GetValue(HealthEndpoints.EnabledKey, defaultValue: true))
        {
            return app;
        }

        app.MapHealthChecks(HealthEndpoints.ReadinessPath, new HealthCheckOptions
        {
            ResponseWriter = HealthReportJsonWriter.WriteResponseAsync,
        }).ExcludeFromDescription(); // probes, not API
        app.MapHealthChecks(HealthEndpoints.LivenessPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthEndpoints.LiveTag),
            ResponseWriter = HealthReportJsonWriter.WriteResponseAsync,
        }).ExcludeFromDescription();
        return app;
    }
}
