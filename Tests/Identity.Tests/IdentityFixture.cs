using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Testing;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>The AppHost's identity service with its PostgreSQL, the demo users and service clients the AppHost generates.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public PlatformApp App { get; private set; } = null!;

    public HttpClient Identity { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await PlatformAppBuilder.Create().Only("identity").StartAsync(TimeSpan.FromMinutes(3));
        Identity = App.CreateHttpClient("identity");
    }

    public async ValueTask DisposeAsync()
    {
        Identity?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>POSTs a form to the token endpoint; the status and the JSON answer (a token response or an OAuth error).</summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(params (string Name, string Value)[] form)
    {
        using var response = await Identity.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>Validates an access token the way a service will: signature against the published keys, issuer from the
    /// discovery document, audience, lifetime and the access-token type.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token)
    {
        var discovery = (await Identity.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;
        var keys = new JsonWebKeySet(await Identity.GetStringAsync(new Uri((string)discovery["jwks_uri"]!).PathAndQuery));
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
