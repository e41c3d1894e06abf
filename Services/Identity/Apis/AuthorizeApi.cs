using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Platform.Identity.Infrastructure;

namespace Platform.Identity.Apis;

/// <summary>
/// The authorization endpoint of the code flow. OpenIddict has already checked the client, its exact redirect address
/// and the PKCE challenge; this asks for a signed-in person (the login page, by the session cookie) and issues the code
/// for them, with the claims the token will carry.
/// </summary>
public static class AuthorizeApi
{
    public static IEndpointRouteBuilder MapAuthorizeApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    internal static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<IdentityUser> users)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The authorization endpoint was reached without OpenIddict's request.");

        // a session of an account since locked, or whose password changed or that signed out everywhere, is none
        var user = await AccountSession.UserAsync(http, users);
        if (user is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Nobody is signed in.",
                }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            // back here after the login page, with the same parameters (less a prompt=login, which would loop)
            var parameters = (http.Request.HasFormContentType ? [.. http.Request.Form] : http.Request.Query.ToList())
                .Where(p => p.Key != Parameters.Prompt).ToList();
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters) },
                [AccountApi.SessionScheme]);
        }

        var identity = await TokenApi.UserIdentityAsync(users, user);
        return TokenApi.SignIn(identity, request.GetScopes());
    }
}
