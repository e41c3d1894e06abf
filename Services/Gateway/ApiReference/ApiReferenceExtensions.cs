using Scalar.AspNetCore;

namespace Platform.Gateway.ApiReference;

/// <summary>
/// One API reference over every service (<c>/api-reference</c>, Scalar): the gateway reads each service's own OpenAPI
/// document through service discovery and serves it at <c>/openapi/{service}.json</c>. On in Development
/// (<c>Gateway:ApiReference:Enabled</c>): the documents describe internal endpoints too, which the internet need not read.
/// </summary>
public static class ApiReferenceExtensions
{
    /// <summary>The public client the reference page signs in with (authorization code + PKCE).</summary>
    public const string ClientId = "api-reference";

    public const string PagePath = "/api-reference";

    /// <summary>Each service's document, by the name in its path, and its title on the page.</summary>
    private static readonly Dictionary<string, string> Documents = new()
    {
        ["catalog"] = "Catalog",
        ["order"] = "Orders",
        ["notification"] = "Notifications",
        ["payment"] = "Payments (internal)",
        // the gateway's own API: its document is at /openapi/v1.json (MapDefaultEndpoints), a literal route that wins
        // over /openapi/{service}.json, so it is served as is
        ["v1"] = "Waiting room",
    };

    public static WebApplication MapApiReference(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Gateway:ApiReference:Enabled", app.Environment.IsDevelopment()))
        {
            return app;
        }

        app.MapGet("/openapi/{service}.json", async Task<IResult> (string service, HttpContext http, IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            if (!Documents.ContainsKey(service))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such document", detail: $"Documents: {string.Join(", ", Documents.Keys)}.");
            }

            var document = System.Text.Json.Nodes.JsonNode.Parse(
                await clients.CreateClient().GetStringAsync($"http://{service}/openapi/v1.json", cancellationToken))!;
            // the API is called here, through the gateway, not at the service's internal address
            document["servers"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["url"] = Origin(http) });
            return TypedResults.Text(document.ToJsonString(), "application/json");
        }).ExcludeFromDescription();

        app.MapScalarApiReference(PagePath, (options, http) => options
            .WithTitle("Platform API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocuments(Documents.Select(d => new ScalarDocument(d.Key, d.Value, IsDefault: d.Key == "catalog")))
            .AddPreferredSecuritySchemes(["oauth2"])
            .AddAuthorizationCodeFlow("oauth2", flow =>
            {
                flow.ClientId = ClientId;
                flow.Pkce = Pkce.Sha256;
                flow.SelectedScopes = ["offline_access"];
                // the address the identity service has for this client (the AppHost registers it)
                flow.RedirectUri = Origin(http) + PagePath;
            })).ExcludeFromDescription();
        return app;
    }

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
