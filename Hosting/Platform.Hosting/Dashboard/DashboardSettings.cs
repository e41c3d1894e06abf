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

    public required IPAddress ListenAddress { get; init; }

    public required int Port { get; init; }

    public required int OtlpPort { get; init; }

    /// <summary>Generated per run (32 random bytes, base64url); only the console line that prints the login URL shows it.</summary>
    public required string BrowserToken { get; init; }

    public string BaseUrl => $"http://{UrlHost}:{Port}";

    public string LoginUrl => $"{BaseUrl}/login?t={BrowserToken}";

    public string OtlpEndpointUrl => $"http://{UrlHost}:{OtlpPort}";

    private string UrlHost => ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1"
        : ListenAddress.Equals(IPAddress.IPv6Any) ? "[::1]"
        : ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ListenAddress}]"
        : ListenAddress.ToString();

    /// <summary>Keys: <c>Dashboard:ListenAddress</c> (default 127.0.0.1), <c>Dashboard:Port</c> (default: a free port),
    /// <c>Dashboard:OtlpPort</c> or the port of an already configured <c>DOTNET_DASHBOARD_OTLP_ENDPOINT_URL</c>
    /// (default: a free port).</summary>
    public static DashboardSettings FromConfiguration(IConfiguration configuration)
    {
        var address = configuration["Dashboard:ListenAddress"] is { Length: > 0 } text ? IPAddress.Parse(text) : IPAddress.Loopback;
        var port = configuration.GetValue<int?>("Dashboard:Port") is > 0 and var fixedPort ? fixedPort : PortAllocator.GetFreePort();
        var otlpPort = configuration.GetValue<int?>("Dashboard:OtlpPort") is > 0 and var fixedOtlp ? fixedOtlp
            : Uri.TryCreate(configuration[OtlpEndpointKey], UriKind.Absolute, out var configured) ? configured.Port
            : PortAllocator.GetFreePort();
        return new DashboardSettings
        {
            ListenAddress = address,
            Port = port,
            OtlpPort = otlpPort,
            BrowserToken = Base64Url(RandomNumberGenerator.GetBytes(32)),
        };
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
