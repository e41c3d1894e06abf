namespace Platform.Gateway.Options;

/// <summary>The per-client limit of every proxied route (section <c>Gateway:RateLimit</c>).</summary>
public static class GatewayRateLimit
{
    /// <summary>The policy the routes in appsettings.json name.</summary>
    public const string PolicyName = "gateway-clients";
    public const int DefaultPermitsPerSecond = 100;
    public const int DefaultBurst = 200;
}
