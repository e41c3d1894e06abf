using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Platform.ServiceDefaults.OpenApi;

namespace Platform.Access;

/// <summary>
/// Who may do what, in one place: the roles and scopes the identity service issues and the policies the services
/// check (docs/security.md has the table). An endpoint carries its policy (<c>RequireAuthorization(BuyerPolicy)</c>),
/// so a service registers nothing for it; only configuration that names a policy (the gateway's routes) needs
/// <see cref="AddPlatformPolicies"/>.
/// </summary>
public static class PlatformAccess
{
    /// <summary>Places and reads their own orders and notifications.</summary>
    public const string BuyerRole = "buyer";

    /// <summary>Creates, edits and deletes products.</summary>
    public const string CatalogAdminRole = "catalog-admin";

    /// <summary>Grants and revokes people's roles (the identity service's user API).</summary>
    public const string AdministratorRole = "administrator";

    /// <summary>A service reading internal prices (the order service).</summary>
    public const string CatalogInternalScope = "catalog.internal";

    /// <summary>Operators' tooling reading payments (nothing public routes there).</summary>
    public const string PaymentInternalScope = "payment.internal";

    /// <summary>The name of <see cref="BuyerPolicy"/> where configuration names it (the gateway's routes).</summary>
    public const string BuyerPolicyName = "buyer";

    /// <summary>The name of <see cref="CatalogAdminPolicy"/> where configuration names it (the gateway's routes).</summary>
    public const string CatalogAdminPolicyName = "catalog-admin";

    /// <summary>The name of <see cref="AdministratorPolicy"/> where configuration names it (the gateway's routes).</summary>
    public const string AdministratorPolicyName = "administrator";

    /// <summary>Policy: a buyer's access token; the buyer is its subject (<see cref="BuyerId"/>).</summary>
    public static readonly AuthorizationPolicy BuyerPolicy = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().RequireRole(BuyerRole).RequireClaim("sub").Build();

    /// <summary>Policy: a catalog administrator's access token.</summary>
    public static readonly AuthorizationPolicy CatalogAdminPolicy = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().RequireRole(CatalogAdminRole).Build();

    /// <summary>Policy: an administrator's access token (roles of people).</summary>
    public static readonly AuthorizationPolicy AdministratorPolicy = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().RequireRole(AdministratorRole).Build();

    /// <summary>What each service scope lets a caller do, for the OpenAPI documents of the endpoints that need it.</summary>
    private static readonly Dictionary<string, string> ScopeDescriptions = new()
    {
        [CatalogInternalScope] = "Read internal prices (the order service).",
        [PaymentInternalScope] = "Read payments (operators' tooling).",
    };

    /// <summary>
    /// The buyer a request acts for: the validated token's subject, never a field the caller fills in. Only for
    /// endpoints behind <see cref="BuyerPolicy"/>, which guarantees the claim.
    /// </summary>
    public static string BuyerId(this ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? throw new InvalidOperationException("No subject: is the endpoint missing the buyer policy?");

    /// <summary>The platform's policies by name (<see cref="BuyerPolicyName"/>, <see cref="CatalogAdminPolicyName"/>),
    /// for configuration that names them; a service adds its own scope policies with <see cref="RequireScope"/>.</summary>
    public static AuthorizationBuilder AddPlatformPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(BuyerPolicyName, BuyerPolicy)
        .AddPolicy(CatalogAdminPolicyName, CatalogAdminPolicy)
        .AddPolicy(AdministratorPolicyName, AdministratorPolicy);

    /// <summary>This endpoint answers a service token with <paramref name="scope"/> only, and its OpenAPI document says so.</summary>
    public static TBuilder RequireServiceScope<TBuilder>(this TBuilder endpoints, string scope) where TBuilder : IEndpointConventionBuilder =>
        endpoints.RequireAuthorization(policy => policy.RequireScope(scope))
            .WithMetadata(new PlatformOpenApi.RequiredScope(scope, ScopeDescriptions.GetValueOrDefault(scope)));

    /// <summary>A valid access token whose space-separated <c>scope</c> claim holds <paramref name="scope"/>.</summary>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder policy, string scope) =>
        policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.FindFirst("scope")?.Value.Split(' ').Contains(scope) == true);
}
