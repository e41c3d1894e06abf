using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The service's own access tokens (client credentials: <c>Identity:ClientId</c>, <c>Identity:ClientSecret</c>), one
/// per scope for the whole process, reused until a minute before they expire, then fetched again by one caller while
/// the others wait. Ours because the library that does this, Duende.AccessTokenManagement, is not served here.
/// </summary>
public sealed class ServiceTokens(IHttpClientFactory clients, IConfiguration configuration) : IDisposable
{
    public const string TokenClient = "identity-token";

    private static readonly TimeSpan Early = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public async ValueTask<string> GetAsync(string scope, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(scope, out var current) && DateTimeOffset.UtcNow < current.RenewAt)
        {
            return current.Token;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.TryGetValue(scope, out var fresh) && DateTimeOffset.UtcNow < fresh.RenewAt)
            {
                return fresh.Token;
            }

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = configuration["Identity:ClientId"] ?? throw new InvalidOperationException("Identity:ClientId is not set."),
                ["client_secret"] = configuration["Identity:ClientSecret"] ?? throw new InvalidOperationException("Identity:ClientSecret is not set."),
                ["scope"] = scope,
            });
            var authority = TokenValidationExtensions.IdentityAuthority(configuration);
            using var response = await clients.CreateClient(TokenClient).PostAsync($"{authority}/connect/token", form, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The token endpoint answered no token.");
            _tokens[scope] = (token.AccessToken, DateTimeOffset.UtcNow.AddSeconds(token.ExpiresIn) - Early);
            return token.AccessToken;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
