using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Testing;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>The AppHost's identity service in this process, its PostgreSQL started by the AppHost, the demo users and
/// service clients the AppHost generates.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public PlatformApp App { get; private set; } = null!;

    /// <summary>A client of the identity service as it runs now (a restart replaces the in-memory host).</summary>
    public HttpClient Identity => App.CreateHttpClient("identity");

    public async ValueTask InitializeAsync()
    {
        App = await PlatformAppBuilder.Create().InMemory<Platform.Identity.Options.IdentitySettings>("identity").StartAsync(TimeSpan.FromMinutes(3));
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>POSTs a form to the token endpoint; the status and the JSON answer (a token response or an OAuth error).</summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(params (string Name, string Value)[] form)
    {
        using var identity = Identity;
        using var response = await identity.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!);
    }

    /// <summary>Validates an access token the way a service will: signature against the published keys, issuer from the
    /// discovery document, audience, lifetime and the access-token type.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token)
    {
        using var identity = Identity;
        var discovery = (await identity.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;
        var keys = new JsonWebKeySet(await identity.GetStringAsync(new Uri((string)discovery["jwks_uri"]!).PathAndQuery));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = (string)discovery["issuer"]!,
            ValidAudience = Microsoft.Extensions.Hosting.TokenValidationExtensions.Audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
        });
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityFixture>
{
    public const string Name = "Identity";
}
