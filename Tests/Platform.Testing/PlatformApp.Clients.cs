using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Testing.InMemory;

namespace Platform.Testing;

/// <summary>How tests call the system: HTTP clients (per replica too), tokens, connection strings, parameters.</summary>
public sealed partial class PlatformApp
{
    public HttpClient CreateHttpClient(string resource, string endpoint = "http") =>
        _inMemory.TryGetValue(resource, out var instances) ? instances[0].CreateClient() : App.CreateHttpClient(resource, endpoint);

    /// <summary>A client whose every call carries <paramref name="accessToken"/>.</summary>
    public HttpClient CreateAuthorizedClient(string resource, string accessToken, string endpoint = "http")
    {
        var client = CreateHttpClient(resource, endpoint);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A client of one of the demo users (alice, bob: buyers; admin: catalog administrator).</summary>
    public async Task<HttpClient> CreateUserClientAsync(string resource, string user, CancellationToken cancellationToken = default) =>
        CreateAuthorizedClient(resource, await UserTokenAsync(user, cancellationToken).ConfigureAwait(false));

    /// <summary>The <c>sub</c> of an access token (read, not validated: the services validate).</summary>
    public static string Subject(string accessToken)
    {
        var payload = accessToken.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='));
        return (string)System.Text.Json.Nodes.JsonNode.Parse(json)!["sub"]!;
    }

    /// <summary>A client for one replica, past the proxy that spreads requests over them (instances in name order).</summary>
    public HttpClient CreateReplicaClient(string resource, int replica, string? accessToken = null)
    {
        if (_inMemory.TryGetValue(resource, out var inMemory))
        {
            var inMemoryClient = inMemory[replica].CreateClient();
            if (accessToken is not null)
            {
                inMemoryClient.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
            }

            return inMemoryClient;
        }

        var instance = Instances(resource)[replica];
        var urls = instance.Snapshot.EnvironmentVariables.Single(v => v.Name == "ASPNETCORE_URLS").Value
            ?? throw new InvalidOperationException($"{instance.ResourceId} has no ASPNETCORE_URLS.");
        var client = new HttpClient { BaseAddress = new Uri(urls.Split(';')[0]) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }

        return client;
    }

    public async Task<string> ConnectionStringAsync(string resource, CancellationToken cancellationToken = default) =>
        await App.GetConnectionStringAsync(resource, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>A parameter's value as the AppHost resolved it (a generated password or secret, for instance).</summary>
    public async Task<string> ParameterValueAsync(string parameter, CancellationToken cancellationToken = default) =>
        await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == parameter)
            .GetValueAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Parameter {parameter} has no value.");

    /// <summary>An access token from the AppHost's identity service for a service client (its secret is the
    /// <c>{clientId}-client-secret</c> parameter), as the service itself would get it.</summary>
    public Task<string> ServiceTokenAsync(string clientId, string scope, CancellationToken cancellationToken = default) =>
        TokenAsync(async () => new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = await ParameterValueAsync($"{clientId}-client-secret", cancellationToken).ConfigureAwait(false),
            ["scope"] = scope,
        }, cancellationToken);

    /// <summary>An access token for one of the AppHost's demo users (password grant, Development only).</summary>
    public Task<string> UserTokenAsync(string user, CancellationToken cancellationToken = default) =>
        TokenAsync(async () => new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "platform-dev",
            ["username"] = user,
            ["password"] = await ParameterValueAsync($"{user}-password", cancellationToken).ConfigureAwait(false),
        }, cancellationToken);

    /// <summary>An access token for this token request (form fields), from the identity service.</summary>
    public Task<string> ClientTokenAsync(Dictionary<string, string> form, CancellationToken cancellationToken = default) =>
        TokenAsync(() => Task.FromResult(form), cancellationToken);

    private async Task<string> TokenAsync(Func<Task<Dictionary<string, string>>> form, CancellationToken cancellationToken)
    {
        using var identity = CreateHttpClient("identity");
        using var content = new FormUrlEncodedContent(await form().ConfigureAwait(false));
        using var response = await identity.PostAsync("/connect/token", content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The identity service refused the token request: {(int)response.StatusCode} {body}");
        }

        return (string)System.Text.Json.Nodes.JsonNode.Parse(body)!["access_token"]!;
    }
}
