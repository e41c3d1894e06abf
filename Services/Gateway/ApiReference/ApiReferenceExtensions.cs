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

    private static readonly string[] Services = ["catalog", "order", "notification", "payment"];

    public static WebApplication MapApiReference(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Gateway:ApiReference:Enabled", app.Environment.IsDevelopment()))
        {
            return app;
        }

        app.MapGet("/openapi/{service}.json", async Task<IResult> (string service, IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            if (!Services.Contains(service))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such document", detail: $"Documents: {string.Join(", ", Services)}.");
            }

            var document = await clients.CreateClient().GetStringAsync($"http://{service}/openapi/v1.json", cancellationToken);
            return TypedResults.Text(document, "application/json");
        }).ExcludeFromDescription();

        app.MapScalarApiReference(PagePath, options => options
            .WithTitle("Platform API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocument("catalog", "Catalog", isDefault: true)
            .AddDocument("order", "Orders")
            .AddDocument("notification", "Notifications")
            .AddDocument("payment", "Payments (internal)")
            .AddPreferredSecuritySchemes(["oauth2"])
            .AddAuthorizationCodeFlow("oauth2", flow =>
            {
                flow.ClientId = ClientId;
                flow.Pkce = Pkce.Sha256;
                flow.SelectedScopes = ["offline_access"];
            })).ExcludeFromDescription();
        return app;
    }
}
