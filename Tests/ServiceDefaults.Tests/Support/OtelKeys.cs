namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>The OpenTelemetry SDK's environment variables, which it also reads from IConfiguration.</summary>
internal static class OtelKeys
{
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";

    /// <summary>A loopback port nothing listens on: telemetry is registered, and exports go nowhere.</summary>
    public const string UnusedEndpoint = "http://127.0.0.1:9";
}
