using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Logs;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Metrics;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Trace;

namespace Platform.Hosting.Dashboard.Otlp;

/// <summary>OTLP/HTTP with binary protobuf bodies (the exporter's <c>http/protobuf</c> protocol):
/// <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>. JSON bodies are refused with 415.</summary>
internal sealed class OtlpHttpReceiver(OtlpIngestion ingestion)
{
    /// <summary>Larger bodies are refused (413); the .NET exporter's batches are far smaller.</summary>
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    private const string ProtobufContentType = "application/x-protobuf";

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is not ("/v1/traces" or "/v1/logs" or "/v1/metrics"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (!(context.Request.ContentType ?? "").StartsWith(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        IMessage response;
        try
        {
            response = path switch
            {
                "/v1/traces" => Ingest(ExportTraceServiceRequest.Parser.ParseFrom(body), new ExportTraceServiceResponse()),
                "/v1/logs" => Ingest(ExportLogsServiceRequest.Parser.ParseFrom(body), new ExportLogsServiceResponse()),
                _ => Ingest(ExportMetricsServiceRequest.Parser.ParseFrom(body), new ExportMetricsServiceResponse()),
            };
        }
        catch (InvalidProtocolBufferException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        context.Response.ContentType = ProtobufContentType;
        await context.Response.Body.WriteAsync(response.ToByteArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private IMessage Ingest(ExportTraceServiceRequest request, IMessage response)
    {
        ingestion.Add(request);
        return response;
    }

    private IMessage Ingest(ExportLogsServiceRequest request, IMessage response)
    {
        ingestion.Add(request);
        return response;
    }

    private IMessage Ingest(ExportMetricsServiceRequest request, IMessage response)
    {
        ingestion.Add(request);
        return response;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var gzip = string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true)
            : null;
        var source = (Stream?)gzip ?? context.Request.Body;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            if (gzip is not null)
            {
                await gzip.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
