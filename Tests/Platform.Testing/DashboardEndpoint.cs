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

    /// <summary>The first span of each trace the dashboard holds: the service, the span's name and its OTLP kind
    /// (1 internal, 2 server, 3 client, 4 producer, 5 consumer).</summary>
    public async Task<IReadOnlyList<(string Service, string Name, int Kind)>> TraceRootsAsync(CancellationToken cancellationToken)
    {
        using var client = CreateApiClient();
        var body = await client.GetFromJsonAsync<JsonNode>("/api/telemetry/traces", cancellationToken).ConfigureAwait(false);
        return [.. (body?["data"]?["resourceSpans"]?.AsArray() ?? [])
            .SelectMany(resource => (resource?["scopeSpans"]?.AsArray() ?? [])
                .SelectMany(scope => scope?["spans"]?.AsArray() ?? [])
                .Where(span => string.IsNullOrEmpty((string?)span?["parentSpanId"]))
                .Select(span => (
                    Service: (resource?["resource"]?["attributes"]?.AsArray() ?? [])
                        .Where(a => (string?)a?["key"] == "service.name").Select(a => (string?)a?["value"]?["stringValue"]).FirstOrDefault() ?? "?",
                    Name: (string?)span?["name"] ?? "?",
                    Kind: KindOf(span?["kind"]))))];
    }

    private static int KindOf(JsonNode? kind) => kind?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? (int)kind : ((string?)kind) switch
    {
        "SPAN_KIND_INTERNAL" => 1,
        "SPAN_KIND_SERVER" => 2,
        "SPAN_KIND_CLIENT" => 3,
        "SPAN_KIND_PRODUCER" => 4,
        "SPAN_KIND_CONSUMER" => 5,
        _ => 0,
    };
}
