using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every service validates access tokens itself (defence in depth, not only at a gateway): JwtBearer against the
/// identity service's discovery document, found through service discovery (<c>http://identity</c>). The document and
/// its keys are fetched once and cached (JwtBearer refreshes them every 12 h, or when a token names an unknown key), so
/// no request calls the identity service.
/// </summary>
public static class TokenValidationExtensions
{
    /// <summary>The audience the identity service puts in every access token.</summary>
    public const string Audience = "platform-api";

    private const string MetadataClient = "identity-metadata";

    /// <summary>
    /// Registers JwtBearer without making it the default scheme: only endpoints whose policy names it authenticate, so
    /// anonymous hot paths (a cached product read) pay nothing for it. Authorization is registered without policies:
    /// who may do what is the platform's (Platform.Access), not a default.
    /// </summary>
    public static IHostApplicationBuilder AddTokenValidation(this IHostApplicationBuilder builder)
    {
        // ASP.NET Core makes a lone scheme the default, which would run JwtBearer on every request
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        var identity = IdentityAuthority(builder.Configuration);
        builder.Services.AddHttpClient(MetadataClient);
        builder.Services.AddAuthentication().AddJwtBearer();
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IHttpClientFactory, ValidatedTokenCache>((options, clients, cache) =>
        {
            cache.Attach(options);
            // the factory's client resolves http://identity through service discovery; JwtBearer's own would not
            options.Backchannel = clients.CreateClient(MetadataClient);
            options.MetadataAddress = $"{identity}/.well-known/openid-configuration";
            options.RequireHttpsMetadata = false; // TLS ends in front of the services
            options.MapInboundClaims = false; // "sub", "role", "scope" stay what the token says
            options.Audience = Audience;
            options.TokenValidationParameters.NameClaimType = "name";
            options.TokenValidationParameters.RoleClaimType = "role";
            options.TokenValidationParameters.ValidTypes = ["at+jwt"]; // an identity token is not an access token
            // 5 minutes by default: an expired token would still pass for that long; clocks inside one system agree closer
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>The identity service's base address: <c>Identity:Authority</c>, else <c>http://identity</c> (service discovery).</summary>
    public static string IdentityAuthority(IConfiguration configuration) =>
        (configuration["Identity:Authority"] ?? "http://identity").TrimEnd('/');
}
