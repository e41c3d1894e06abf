using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Platform.Hosting.Dashboard.Otlp.Proto.Collector.Logs;
using Platform.Hosting.Dashboard.Otlp.Proto.Common;
using Platform.Hosting.Dashboard.Otlp.Proto.Logs;

namespace Platform.Dashboard.Tests;

/// <summary>What the receiver answers besides a well-formed export: what OTLP/HTTP says to refuse, and gzip bodies.</summary>
public sealed class OtlpReceiverProtocolTests(StandaloneDashboard dashboard) : IClassFixture<StandaloneDashboard>
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task A_gzip_body_is_accepted_and_answered_with_a_protobuf_response()
    {
        var request = new ExportLogsServiceRequest();
        var resourceLogs = new ResourceLogs { Resource = new Platform.Hosting.Dashboard.Otlp.Proto.Resource.Resource() };
        resourceLogs.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "gzipped" } });
        var scope = new ScopeLogs();
        scope.LogRecords.Add(new LogRecord { SeverityNumber = SeverityNumber.Info, Body = new AnyValue { StringValue = "compressed hello" } });
        resourceLogs.ScopeLogs.Add(scope);
        request.ResourceLogs.Add(resourceLogs);

        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            request.WriteTo(gzip);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await Http.PostAsync(dashboard.OtlpUri("/v1/logs"), content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        ExportLogsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var entry = Assert.Single(dashboard.Logs.Query(source: "gzipped"));
        Assert.Equal(("compressed hello", "Information"), (entry.Message, entry.Level));
    }

    [Theory]
    [InlineData("/v1/traces", "application/json", "{}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("/v1/traces", "application/x-protobuf", "\u00ff\u00ff\u00ff", HttpStatusCode.BadRequest)]
    [InlineData("/v1/profiles", "application/x-protobuf", "", HttpStatusCode.NotFound)]
    [InlineData("/", "text/plain", "", HttpStatusCode.NotFound)]
    public async Task What_is_not_an_OTLP_protobuf_export_is_refused(string path, string contentType, string body, HttpStatusCode expected)
    {
        using var content = new ByteArrayContent(body.Select(c => (byte)c).ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await Http.PostAsync(dashboard.OtlpUri(path), content, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/resources")]
    [InlineData("/login")]
    public async Task The_grpc_port_serves_only_the_collector_services(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(dashboard.Server.OtlpGrpcEndpointUrl), path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_otlp_port_serves_no_dashboard_page()
    {
        using var response = await Http.GetAsync(dashboard.OtlpUri("/"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
