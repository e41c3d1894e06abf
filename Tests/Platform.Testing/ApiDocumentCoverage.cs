using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Testing;

/// <summary>
/// Starts one service in memory exactly as its Program composes it (servers unreachable, background work off: only
/// its routes and its OpenAPI document matter here) and lists the routes the document lacks. A route that is left out
/// on purpose says so with ExcludeFromDescription (health probes, the document itself, OpenIddict's endpoints).
/// </summary>
public static partial class ApiDocumentCoverage
{
    /// <summary><typeparamref name="TServiceType"/>: any public type of the service's assembly, whose entry point is
    /// started (not <c>Program</c>: the AppHost's is public too).</summary>
    public static async Task<IReadOnlyList<string>> UndocumentedRoutesAsync<TServiceType>(params string[] connectionStrings) where TServiceType : class
    {
        await using var factory = new WebApplicationFactory<TServiceType>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var name in connectionStrings)
            {
                web.UseSetting($"ConnectionStrings:{name}", Unreachable(name));
            }

            // the web host stays (it starts the server); migrations, consumers and sweepers go
            web.ConfigureServices(services =>
            {
                foreach (var background in services.Where(s => s.ServiceType == typeof(IHostedService)
                    && s.ImplementationType?.Namespace?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) != true).ToList())
                {
                    services.Remove(background);
                }
            });
        });
        _ = factory.Server; // starts the host: endpoints reach the document only then
        var document = await factory.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
        var documented = document.Paths.SelectMany(path => (path.Value.Operations ?? []).Keys.Select(method => $"{method.Method.ToUpperInvariant()} {path.Key}")).ToHashSet();

        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(method => $"{method} {Normalize(endpoint.RoutePattern.RawText ?? "")}"))
            .Where(route => !documented.Contains(route))
            .Distinct()
            .Order()];
    }

    /// <summary>The document's form of a route: a leading slash and no trailing one, parameters without their constraints.</summary>
    private static string Normalize(string pattern) => "/" + Parameter().Replace(pattern.Trim('/'), "{$1}");

    private static string Unreachable(string name) => name switch
    {
        "cache" => "127.0.0.1:1,abortConnect=false",
        "messaging" => "amqp://nobody:nothing@127.0.0.1:1/",
        _ => "Host=127.0.0.1;Port=1;Database=none;Username=nobody;Password=nothing",
    };

    [GeneratedRegex(@"\{\*{0,2}([^}:=?]+)[^}]*\}")]
    private static partial Regex Parameter();
}
