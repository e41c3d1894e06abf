using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Validation.AspNetCore;

namespace Platform.Identity.Apis;

/// <summary>
/// An administrator grants and revokes people's roles. The identity service reads the access token itself, with its
/// own keys (OpenIddict's validation of the local server), so it needs no call to itself. A role taken away is gone
/// from the next token: access tokens already issued keep it for their 15 minutes, a refresh reads the roles again.
/// </summary>
public static class UsersApi
{
    /// <summary>The administrator policy, on this service's own validation scheme.</summary>
    public const string AdministratorPolicy = "identity-administrator";

    private static readonly string[] Roles = [PlatformAccess.BuyerRole, PlatformAccess.CatalogAdminRole, PlatformAccess.AdministratorRole];

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/identity/users").WithTags("Users").RequireAuthorization(AdministratorPolicy);
        api.MapGet("/{userName}", GetUserAsync).WithName("GetUser");
        api.MapPut("/{userName}/roles/{role}", GrantAsync).WithName("GrantRole");
        api.MapDelete("/{userName}/roles/{role}", RevokeAsync).WithName("RevokeRole");
        return app;
    }

    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().RequireRole(PlatformAccess.AdministratorRole).Build();

    internal static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetUserAsync(string userName, UserManager<IdentityUser> users) =>
        await users.FindByNameAsync(userName) is { } user ? TypedResults.Ok(await ViewAsync(users, user)) : NotFound(userName);

    internal static async Task<Results<Ok<UserView>, ProblemHttpResult>> GrantAsync(string userName, string role, UserManager<IdentityUser> users)
    {
        if (await users.FindByNameAsync(userName) is not { } user || !Roles.Contains(role))
        {
            return NotFound(userName, role);
        }

        if (!await users.IsInRoleAsync(user, role))
        {
            Check(await users.AddToRoleAsync(user, role));
        }

        return TypedResults.Ok(await ViewAsync(users, user));
    }

    internal static async Task<Results<Ok<UserView>, ProblemHttpResult>> RevokeAsync(string userName, string role, UserManager<IdentityUser> users, HttpContext http)
    {
        if (await users.FindByNameAsync(userName) is not { } user || !Roles.Contains(role))
        {
            return NotFound(userName, role);
        }

        if (role == PlatformAccess.AdministratorRole && user.Id == http.User.FindFirst(Claims.Subject)?.Value)
        {
            // the last administrator taking their own role would leave nobody to give it back
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Own administrator role",
                detail: "An administrator cannot take the administrator role from themselves; another administrator can.");
        }

        if (await users.IsInRoleAsync(user, role))
        {
            Check(await users.RemoveFromRoleAsync(user, role));
        }

        return TypedResults.Ok(await ViewAsync(users, user));
    }

    private static async Task<UserView> ViewAsync(UserManager<IdentityUser> users, IdentityUser user) =>
        new(user.UserName!, [.. (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal)], await users.IsLockedOutAsync(user));

    private static ProblemHttpResult NotFound(string userName, string? role = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: role is null ? "User not found" : "User or role not found",
        detail: role is null ? $"No user {userName}." : $"No user {userName}, or no role {role} (roles: {string.Join(", ", Roles)}).");

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
