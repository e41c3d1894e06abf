using Microsoft.Extensions.Configuration;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>The standard OTEL_* keys, read from IConfiguration so environment variables and appsettings both work.</summary>
public static class OtlpSettings
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string ResourceAttributesKey = "OTEL_RESOURCE_ATTRIBUTES";

    /// <summary>Export happens only when an endpoint is given; otherwise no provider is even built.</summary>
    public static bool IsExportConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[EndpointKey]);
}
