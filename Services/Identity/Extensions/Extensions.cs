using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Server;
using Platform.Identity.Infrastructure;
using Platform.ServiceDefaults.Web;

namespace Platform.Identity.Extensions;

internal static class Extensions
{
    /// <summary>Everything the identity service registers: its database and schema, users and roles, the OpenID Connect server.</summary>
    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase("identitydb").AddSchemaMigrations("identity", IdentitySchema.Migrations);
        // EF Core on the service's one pool (Aspire.Npgsql's data source), so its connections count against the same bound
        builder.Services.AddDbContext<IdentityDb>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()).UseOpenIddict());

        builder.Services.AddIdentityCore<IdentityUser>(options =>
            {
                // length over symbols (NIST SP 800-63B); the AppHost's generated passwords are 20 letters and digits,
                // which a curl can carry without escaping
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireDigit = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                // no composition rules (they push people to "Password1!"); a few distinct characters keep out "aaaaaaaaaaaa"
                options.Password.RequiredUniqueChars = 5;
                // wrong passwords never lock an account: anyone could lock anyone out (the throttle slows guessing
                // instead); an account an administrator locks (LockoutEnabled and a LockoutEnd) stays locked
                options.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<IdentityDb>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(SignInThrottleSettings.From(builder.Configuration));
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<UnknownUserPassword>();
        builder.Services.AddHostedService(services => services.GetRequiredService<UnknownUserPassword>());
        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddSingleton(SignUpSettings.From(builder.Configuration));
        builder.Services.AddSingleton<SignUpThrottle>();
        builder.Services.AddJsonTypeInfoResolver(IdentityJsonContext.Default);
        builder.Services.AddAuthorizationBuilder().AddPolicy(UsersApi.AdministratorPolicy, UsersApi.Policy);

        var settings = IdentitySettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IdentityKeys>();
        // read at start, after the schema migrator (registered first, by AddServiceDatabase) and before the seeder
        builder.Services.AddHostedService(services => services.GetRequiredService<IdentityKeys>());
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDb>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                // people: the authorization code flow, PKCE required of every client; services: client credentials
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                if (builder.Environment.IsDevelopment())
                {
                    // a newcomer's one curl for a demo buyer's token; real clients use the authorization code flow
                    server.AllowPasswordFlow();
                }

                if (settings.Issuer is { } issuer)
                {
                    // pinned: tokens minted through the gateway and read by services name the same issuer
                    server.SetIssuer(issuer);
                }

                server.SetAccessTokenLifetime(settings.AccessTokenLifetime).SetRefreshTokenLifetime(settings.RefreshTokenLifetime);
                server.RegisterScopes(Scopes.OfflineAccess, PlatformAccess.CatalogInternalScope, PlatformAccess.PaymentInternalScope);
                // plain signed JWTs, which every service validates itself with JwtBearer against the published keys
                server.DisableAccessTokenEncryption();
                // TLS ends in front of the service (the gateway, the ingress); inside, it is plain HTTP
                server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            // the user API reads access tokens with this server's own keys, in process (no call to itself)
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<IdentityKeys>((options, keys) =>
        {
            options.SigningCredentials.Add(new SigningCredentials(keys.Signing, SecurityAlgorithms.RsaSha256));
            options.EncryptionCredentials.Add(new EncryptingCredentials(keys.Encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        });
        // the sign-in session of the login page, for the authorization endpoint only: never a token for an API
        builder.Services.AddAuthentication().AddCookie(AccountApi.SessionScheme, cookie =>
        {
            cookie.LoginPath = AccountApi.LoginPath;
            cookie.Cookie.Name = "identity.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(1);
        });
        builder.Services.AddAntiforgery();
        builder.Services.AddHostedService<IdentitySeeder>();
        builder.Services.AddHostedService<TokenPruner>();
        return builder;
    }
}
