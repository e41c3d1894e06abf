namespace Platform.ServiceDefaults.Http;

/// <summary>
/// The OTLP exporter creates its HttpClients through IHttpClientFactory when one is registered. Defaults applied to
/// every client must skip them: retrying or rerouting telemetry exports would compete with the exporter's own
/// timeout and retry logic.
/// </summary>
internal static class TelemetryExporterClients
{
    public static bool Contains(string? clientName) => clientName is "OtlpTraceExporter" or "OtlpMetricExporter" or "OtlpLogExporter";
}
