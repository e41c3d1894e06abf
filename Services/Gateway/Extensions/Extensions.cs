using Microsoft.AspNetCore.Authentication.JwtBearer;
using Platform.RateLimiting;

namespace Platform.Gateway.Extensions;

public static class Extensions
{
    /// <summary>Everything the gateway registers: the proxy and its routes, token validation and the per-client limit.</summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        // FailFast: while Redis is unreachable the limiter decides locally at once (docs/rate-limiting.md)
        builder.AddRedisClient("cache", configureOptions: options => options.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast);

        // Routes and clusters are configuration (section ReverseProxy, appsettings.json): what is public is readable in
        // one file. Destinations are service names, resolved through service discovery like any HttpClient's.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();

        // Tokens are validated here before anything is proxied, and again by each service. JwtBearer is the default
        // scheme so that a token on an anonymous route still names its subject for the rate limit.
        builder.AddTokenValidation();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);

        // per subject for a token, per client address otherwise; shared by the gateway's replicas through Redis
        var limit = builder.Configuration.GetSection("Gateway:RateLimit");
        builder.AddDistributedRateLimiter(options =>
        {
            options.PolicyName = GatewayRateLimit.PolicyName;
            options.KeyPrefix = "gateway:ratelimit";
            options.PermitLimit = limit.GetValue("PermitLimit", GatewayRateLimit.DefaultPermitsPerSecond);
            options.Burst = limit.GetValue("Burst", GatewayRateLimit.DefaultBurst);
        });
        return builder;
    }
}

/// <summary>The per-client limit of every proxied route (section <c>Gateway:RateLimit</c>).</summary>
public static class GatewayRateLimit
{
    /// <summary>The policy the routes in appsettings.json name.</summary>
    public const string PolicyName = "gateway-clients";
    public const int DefaultPermitsPerSecond = 100;
    public const int DefaultBurst = 200;
}
