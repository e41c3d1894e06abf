using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// Every service publishes its OpenAPI document at <c>/openapi/v1.json</c>: its routes, request and response shapes,
/// and from here the security scheme (OAuth 2.0 against the identity service, through the gateway), what each
/// protected operation needs (a role or a service scope), and the problem-details answers every operation may give.
/// </summary>
public static class PlatformOpenApi
{
    public const string SchemeName = "oauth2";
    public const string DocumentPath = "/openapi/v1.json";

    public static IHostApplicationBuilder AddPlatformOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, context, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SchemeName] = SecurityScheme(ServiceScopes(context));
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                DescribeAccess(operation, context);
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>The service scopes this document's endpoints need (<see cref="RequiredScope"/>), with what each allows.</summary>
    private static Dictionary<string, string> ServiceScopes(OpenApiDocumentTransformerContext context) =>
        context.DescriptionGroups.SelectMany(group => group.Items)
            .SelectMany(description => description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>())
            .DistinctBy(required => required.Scope)
            .ToDictionary(required => required.Scope, required => required.Description ?? required.Scope);

    private static OpenApiSecurityScheme SecurityScheme(Dictionary<string, string> serviceScopes) => new()
    {
        Type = SecuritySchemeType.OAuth2,
        Description = "Access tokens from the identity service (through the gateway): buyers and administrators by the "
            + "authorization code flow with PKCE, services by client credentials.",
        Flows = new OpenApiOAuthFlows
        {
            AuthorizationCode = new OpenApiOAuthFlow
            {
                AuthorizationUrl = new Uri("/connect/authorize", UriKind.Relative),
                TokenUrl = new Uri("/connect/token", UriKind.Relative),
                Scopes = new Dictionary<string, string> { ["offline_access"] = "A refresh token too." },
            },
            ClientCredentials = new OpenApiOAuthFlow
            {
                TokenUrl = new Uri("/connect/token", UriKind.Relative),
                Scopes = serviceScopes,
            },
        },
    };

    private static void DescribeAccess(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("default", Problem("An error, as RFC 9457 problem details (application/problem+json)."));
        if (metadata.OfType<IAllowAnonymous>().Any()
            || !(metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any()))
        {
            return;
        }

        var scopes = metadata.OfType<RequiredScope>().Select(s => s.Scope).ToList();
        // a named policy (its name), or the roles a policy the endpoint carries requires
        var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>()
            .Concat(metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements.OfType<RolesAuthorizationRequirement>()).SelectMany(r => r.AllowedRoles))
            .Distinct().ToList();
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = scopes });
        var needs = scopes.Count > 0 ? $"a service token with scope {string.Join(", ", scopes)}" : $"a token with role {string.Join(", ", roles)}";
        operation.Description = $"{operation.Description} Needs {needs}.".Trim();
        operation.Responses.TryAdd("401", Problem("No valid access token."));
        operation.Responses.TryAdd("403", Problem("The token lacks the role or scope this needs."));
    }

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
    };

    /// <summary>Endpoint metadata: the scope a service token needs here, and what it allows (the document's scope list).</summary>
    public sealed record RequiredScope(string Scope, string? Description = null);
}
