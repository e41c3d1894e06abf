using Grpc.Core;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Logs;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Metrics;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Trace;

namespace Platform.Hosting.Dashboard.Otlp;

/// <summary>OTLP/gRPC: the collector services' <c>Export</c> calls, into the same stores as OTLP/HTTP.</summary>
internal sealed class OtlpGrpcTraceService(OtlpIngestion ingestion) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        ingestion.Add(request);
        return Task.FromResult(new ExportTraceServiceResponse());
    }
}

internal sealed class OtlpGrpcLogsService(OtlpIngestion ingestion) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        ingestion.Add(request);
        return Task.FromResult(new ExportLogsServiceResponse());
    }
}

internal sealed class OtlpGrpcMetricsService(OtlpIngestion ingestion) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        ingestion.Add(request);
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}
