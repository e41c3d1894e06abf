using OpenTelemetry.Resources;

namespace Platform.ServiceDefaults.Telemetry;

internal static class PlatformResource
{
    /// <summary>
    /// A fresh builder per provider (a ResourceBuilder binds to the provider's services when built, so it is not
    /// shared). Detectors added later win on merge, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the
    /// application name we fall back on.
    /// </summary>
    public static ResourceBuilder CreateBuilder(string applicationName) =>
        ResourceBuilder.CreateEmpty()
            .AddService(applicationName)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector();
}
