using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Dashboard;

/// <summary>Where the dashboard and its OTLP receiver listen, and the browser token of this run. Decided when the
/// application is built, so the orchestrator can hand the OTLP endpoint to the services before anything starts.</summary>
public sealed class DashboardSettings
{
    public const string OtlpEndpointKey = "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL";
    public const string OtlpProtocolKey = "DOTNET_DASHBOARD_OTLP_PROTOCOL";

    public required IPAddress ListenAddress { get; init; }

    public required int Port { get; init; }

    /// <summary>OTLP/HTTP (protobuf) port.</summary>
    public required int OtlpPort { get; init; }

    /// <summary>OTLP/gRPC port (HTTP/2 without TLS).</summary>
    public required int OtlpGrpcPort { get; init; }

    /// <summary>What the projects export with: <c>http/protobuf</c> (default) or <c>grpc</c>.</summary>
    public string OtlpProtocol { get; init; } = "http/protobuf";

    /// <summary>Generated per run (32 random bytes, base64url); only the console line that prints the login URL shows it.</summary>
    public required string BrowserToken { get; init; }

    public string BaseUrl => $"http://{UrlHost}:{Port}";

    public string LoginUrl => $"{BaseUrl}/login?t={BrowserToken}";

    public string OtlpEndpointUrl => $"http://{UrlHost}:{OtlpPort}";

    public string OtlpGrpcEndpointUrl => $"http://{UrlHost}:{OtlpGrpcPort}";

    /// <summary>The endpoint handed to the projects, matching <see cref="OtlpProtocol"/>.</summary>
    public string ExportEndpointUrl => IsGrpc ? OtlpGrpcEndpointUrl : OtlpEndpointUrl;

    private bool IsGrpc => string.Equals(OtlpProtocol, "grpc", StringComparison.OrdinalIgnoreCase);

    private string UrlHost => ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1"
        : ListenAddress.Equals(IPAddress.IPv6Any) ? "[::1]"
        : ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ListenAddress}]"
        : ListenAddress.ToString();

    /// <summary>Keys: <c>Dashboard:ListenAddress</c> (default 127.0.0.1), <c>Dashboard:Port</c>, <c>Dashboard:OtlpPort</c>,
    /// <c>Dashboard:OtlpGrpcPort</c> (each default: a free port). An already configured
    /// <c>DOTNET_DASHBOARD_OTLP_ENDPOINT_URL</c> gives its port to the receiver of <c>DOTNET_DASHBOARD_OTLP_PROTOCOL</c>.</summary>
    public static DashboardSettings FromConfiguration(IConfiguration configuration)
    {
        var address = configuration["Dashboard:ListenAddress"] is { Length: > 0 } text ? IPAddress.Parse(text) : IPAddress.Loopback;
        var protocol = configuration[OtlpProtocolKey] is { Length: > 0 } p ? p : "http/protobuf";
        var grpc = string.Equals(protocol, "grpc", StringComparison.OrdinalIgnoreCase);
        int? configuredExport = Uri.TryCreate(configuration[OtlpEndpointKey], UriKind.Absolute, out var configured) ? configured.Port : null;
        return new DashboardSettings
        {
            ListenAddress = address,
            Port = ChoosePort(configuration, "Dashboard:Port", null),
            OtlpPort = ChoosePort(configuration, "Dashboard:OtlpPort", grpc ? null : configuredExport),
            OtlpGrpcPort = ChoosePort(configuration, "Dashboard:OtlpGrpcPort", grpc ? configuredExport : null),
            OtlpProtocol = protocol,
            BrowserToken = Base64Url(RandomNumberGenerator.GetBytes(32)),
        };
    }

    private static int ChoosePort(IConfiguration configuration, string key, int? fallback) =>
        configuration.GetValue<int?>(key) is > 0 and var configured ? configured : fallback ?? PortAllocator.GetFreePort();

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
