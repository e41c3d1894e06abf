namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// The ActivitySource and Meter names every service subscribes to. We have no OpenTelemetry.Instrumentation.*
/// packages, so we listen to what the runtime and the libraries emit natively.
/// </summary>
public static class PlatformTelemetry
{
    /// <summary>The meter ServiceDefaults itself reports on (circuit breaker state changes).</summary>
    public const string MeterName = "Platform.ServiceDefaults";

    /// <summary>Trace sources. "Platform.*" covers the platform's own sources (Redis client, cache, locks...).</summary>
    public static IReadOnlyList<string> ActivitySources { get; } =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        "MassTransit",
        "Platform.*",
    ];

    /// <summary>Meters: ASP.NET Core hosting and Kestrel, HttpClient, runtime, libraries and the platform's own.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Npgsql",
        "MassTransit",
        "Platform.*",
    ];
}
