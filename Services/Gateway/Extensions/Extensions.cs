using Microsoft.AspNetCore.Authentication.JwtBearer;
using Platform.Access;
using Platform.Gateway.Apis;
using Platform.Gateway.Options;
using Platform.Gateway.WaitingRoom;
using Platform.RateLimiting;
using Platform.ServiceDefaults.Web;

namespace Platform.Gateway.Extensions;

public static class Extensions
{
    /// <summary>Everything the gateway registers: the proxy and its routes, token validation and the per-client limit.</summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddStateRedis("cache");

        // Routes and clusters are configuration (section ReverseProxy, appsettings.json): what is public is readable in
        // one file. Destinations are service names, resolved through service discovery like any HttpClient's.
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();

        // Tokens are validated here before anything is proxied, and again by each service. JwtBearer is the default
        // scheme so that a token on an anonymous route still names its subject for the rate limit.
        builder.AddTokenValidation();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);
        // the routes name their policy ("AuthorizationPolicy": "buyer"): the platform's policies by name
        builder.Services.AddAuthorizationBuilder().AddPlatformPolicies();

        // per subject for a token, per client address otherwise; shared by the gateway's replicas through Redis
        var limit = builder.Configuration.GetSection("Gateway:RateLimit");
        builder.AddDistributedRateLimiter(options =>
        {
            options.PolicyName = GatewayRateLimit.PolicyName;
            options.KeyPrefix = "gateway:ratelimit";
            options.PermitLimit = limit.GetValue("PermitLimit", GatewayRateLimit.DefaultPermitsPerSecond);
            options.Burst = limit.GetValue("Burst", GatewayRateLimit.DefaultBurst);
        });
        builder.AddWaitingRoom();
        return builder;
    }

    /// <summary>The waiting room (docs/waiting-room.md): its state in Redis, this replica's picture of every sale, the
    /// admitter (one at a time across replicas), the order gate and the admission tokens it shares with the order service.</summary>
    private static void AddWaitingRoom(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WaitingRoomOptions>().BindConfiguration("Gateway:WaitingRoom");
        builder.AddDistributedLocks();
        builder.AddAdmissionTokens();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WaitingRoomStore>();
        builder.Services.AddSingleton<SaleBoard>();
        builder.Services.AddSingleton<WaitingRoomMetrics>();
        builder.Services.AddSingleton<PollPacer>();
        builder.Services.AddJsonTypeInfoResolver(WaitingRoomJsonContext.Default);
        builder.Services.AddHostedService<SaleBoardRefresher>();
        builder.Services.AddHostedService<Admitter>();
    }

    /// <summary>The waiting room's endpoints, and its gate in front of the proxied order route.</summary>
    public static WebApplication MapWaitingRoom(this WebApplication app)
    {
        app.UseWhen(
            http => HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Value?.TrimEnd('/').Equals("/api/orders", StringComparison.OrdinalIgnoreCase) == true,
            branch => branch.UseMiddleware<OrderGate>());
        app.MapWaitingRoomApi();
        app.MapSalesApi();
        return app;
    }
}
