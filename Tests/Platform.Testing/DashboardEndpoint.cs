using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>The Aspire dashboard of a test app: its page (a browser logs in with the token), and its telemetry API
/// (<c>/api/telemetry/*</c>, key in <c>x-api-key</c>).</summary>
public sealed record DashboardEndpoint(Uri Url, string LoginToken, string ApiKey)
{
    public HttpClient CreateApiClient()
    {
        var client = new HttpClient { BaseAddress = Url };
        client.DefaultRequestHeaders.Add("x-api-key", ApiKey);
        return client;
    }

    /// <summary>The services (<c>service.name</c>) that reported spans of a trace so far; empty while the dashboard has none.</summary>
    public async Task<IReadOnlySet<string>> TraceServicesAsync(string traceId, CancellationToken cancellationToken)
    {
        using var client = CreateApiClient();
        using var response = await client.GetAsync($"/api/telemetry/traces/{traceId}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new HashSet<string>();
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
        return (body?["data"]?["resourceSpans"]?.AsArray() ?? [])
            .SelectMany(r => r?["resource"]?["attributes"]?.AsArray() ?? [])
            .Where(a => (string?)a?["key"] == "service.name")
            .Select(a => (string?)a?["value"]?["stringValue"])
            .OfType<string>()
            .ToHashSet();
    }
}
