using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Platform.Access;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Authentication;

/// <summary>
/// What a service's token validation refuses, with keys of the test's own standing in for the identity service's
/// published ones (the AppHost tests cover the real keys; an expired token needs a clock the test controls).
/// </summary>
public sealed class TokenLifetimeTests
{
    private const string Issuer = "http://identity.test/";

    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-key" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_buyers_current_token_passes_and_expired_foreign_or_misaddressed_ones_are_401()
    {
        await using var app = await StartAsync(new Counter());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var now = DateTime.UtcNow;

        Assert.Equal((HttpStatusCode.OK, "buyer-1"), await CallAsync(client, Token(now.AddMinutes(-1), now.AddMinutes(14))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, Token(now.AddMinutes(-16), now.AddMinutes(-1)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, Token(now.AddMinutes(-1), now.AddMinutes(14), key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-key" }))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, Token(now.AddMinutes(-1), now.AddMinutes(14), audience: "another-api"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, Token(now.AddMinutes(-1), now.AddMinutes(14), type: "JWT"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(client, Token(now.AddMinutes(-1), now.AddMinutes(14), role: "catalog-admin"))).Status);
    }

    [Fact]
    public async Task A_validated_token_is_checked_once_and_then_served_from_the_cache_an_altered_one_never()
    {
        var validations = new Counter();
        await using var app = await StartAsync(validations);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var now = DateTime.UtcNow;
        var token = Token(now.AddMinutes(-1), now.AddMinutes(14));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((HttpStatusCode.OK, "buyer-1"), await CallAsync(client, token));
        }

        Assert.Equal(1, validations.Count);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA"))).Status);
        Assert.Equal(1, validations.Count);
    }

    private static Task<LoopbackApp> StartAsync(Counter validations) =>
        LoopbackApp.StartAsync("order", app => app.MapGet("/mine", (ClaimsPrincipal user) => user.BuyerId())
            .RequireAuthorization(PlatformAccess.BuyerPolicy), configure: builder =>
        {
            builder.AddTokenValidation();
            builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                configuration.SigningKeys.Add(Key);
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
                var validated = options.Events.OnTokenValidated;
                options.Events.OnTokenValidated = context =>
                {
                    Interlocked.Increment(ref validations.Count);
                    return validated(context);
                };
            });
        });

    private sealed class Counter
    {
        public int Count;
    }

    private static async Task<(HttpStatusCode Status, string Body)> CallAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mine");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync(Ct)).Trim('"'));
    }

    private static string Token(DateTime issued, DateTime expires, RsaSecurityKey? key = null, string audience = TokenValidationExtensions.Audience, string type = "at+jwt", string role = "buyer") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            TokenType = type,
            Claims = new Dictionary<string, object> { ["sub"] = "buyer-1", ["role"] = role },
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
}
