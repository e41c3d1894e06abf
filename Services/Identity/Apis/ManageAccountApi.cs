using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Abstractions;
using Platform.Identity.Infrastructure;

namespace Platform.Identity.Apis;

/// <summary>
/// A signed-in person's own account: change the password, and sign out everywhere. Both end every other session (the
/// security stamp changes) and revoke every refresh token and authorization of the account, so a stolen session or
/// refresh token stops working at once; access tokens already issued live out their 15 minutes (docs/security.md).
/// </summary>
public static class ManageAccountApi
{
    public const string ManagePath = "/account/manage";
    public const string PasswordPath = "/account/password";
    public const string SignOutEverywherePath = "/account/signout-everywhere";

    public static IEndpointRouteBuilder MapManageAccountApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(ManagePath, ManagePageAsync).ExcludeFromDescription();
        app.MapPost(PasswordPath, ChangePasswordAsync).ExcludeFromDescription();
        app.MapPost(SignOutEverywherePath, SignOutEverywhereAsync).ExcludeFromDescription();
        return app;
    }

    internal static async Task<Results<RedirectHttpResult, ContentHttpResult>> ManagePageAsync(
        HttpContext http, IAntiforgery antiforgery, UserManager<IdentityUser> users) =>
        await AccountSession.UserAsync(http, users) is { } user ? Page(http, antiforgery, user, message: null) : ToSignIn();

    internal static async Task<Results<RedirectHttpResult, ContentHttpResult>> ChangePasswordAsync(
        HttpContext http, IAntiforgery antiforgery, UserManager<IdentityUser> users, PasswordSignIn passwords, IOpenIddictTokenManager tokens,
        IOpenIddictAuthorizationManager authorizations, [FromForm] string? currentPassword, [FromForm] string? newPassword)
    {
        if (await AccountSession.UserAsync(http, users) is not { } user)
        {
            return ToSignIn();
        }

        // the current password is a password attempt like any other: a stolen session must not become a way to guess it
        var check = await passwords.CheckAsync(user.UserName, currentPassword, http.Connection.RemoteIpAddress);
        if (check.IsThrottled)
        {
            AccountPages.TooManyRequests(http, check.RetryAfter.GetValueOrDefault());
            return Page(http, antiforgery, user, "Too many wrong passwords from your address. Try again later.");
        }

        var problem = check.User is null ? "The current password is wrong." : RegistrationApi.Validate(user.UserName!, newPassword ?? "");
        var changed = problem is null ? await users.ChangePasswordAsync(user, currentPassword ?? "", newPassword ?? "") : null;
        if (changed is not { Succeeded: true })
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page(http, antiforgery, user, problem ?? string.Join(" ", changed!.Errors.Select(e => e.Description)));
        }

        // the change gave the account a new security stamp: this browser signs in again with it, every other is out
        await RevokeEverywhereAsync(user, tokens, authorizations, http.RequestAborted);
        await AccountSession.SignInAsync(http, users, user);
        return Page(http, antiforgery, user, "Your password was changed. Every other session and app was signed out.");
    }

    internal static async Task<Results<RedirectHttpResult, ContentHttpResult>> SignOutEverywhereAsync(
        HttpContext http, UserManager<IdentityUser> users, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
    {
        if (await AccountSession.UserAsync(http, users) is not { } user)
        {
            return ToSignIn();
        }

        await users.UpdateSecurityStampAsync(user);
        await RevokeEverywhereAsync(user, tokens, authorizations, http.RequestAborted);
        await http.SignOutAsync(AccountApi.SessionScheme);
        return AccountPages.Render(http, "Signed out", "You are signed out everywhere: every session and app must sign in again.",
            AccountPages.Link(AccountApi.LoginPath, ManagePath, "Sign in again"));
    }

    private static async Task RevokeEverywhereAsync(
        IdentityUser user, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, CancellationToken cancellationToken)
    {
        await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);
        await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
    }

    private static RedirectHttpResult ToSignIn() => TypedResults.Redirect(AccountApi.LoginPath + QueryString.Create("returnUrl", ManagePath));

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, IdentityUser user, string? message) =>
        AccountPages.Render(http, "Your account", message,
            $"<p>Signed in as <strong>{WebUtility.HtmlEncode(user.UserName)}</strong>.</p>"
            + AccountPages.Form(http, antiforgery, PasswordPath, ManagePath, """
                <label>Current password <input name="currentPassword" type="password" autocomplete="current-password" required></label>
                <label>New password, at least 12 characters <input name="newPassword" type="password" autocomplete="new-password" minlength="12" maxlength="128" required></label>
                """, "Change password")
            + AccountPages.Form(http, antiforgery, SignOutEverywherePath, ManagePath, "<p>Ends every session and app signed in as you, this one included.</p>", "Sign out everywhere"));
}
