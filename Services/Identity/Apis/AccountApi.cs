using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Platform.Identity.Infrastructure;

namespace Platform.Identity.Apis;

/// <summary>
/// The login page of the authorization code flow: a form that checks the password (<see cref="PasswordSignIn"/>, the
/// sign-in throttle included, as the token endpoint's password grant does) and starts a session cookie, then returns to
/// the authorization request that asked for it. Only local return addresses are followed (no open redirect); the form
/// carries an antiforgery token (no login CSRF).
/// </summary>
public static class AccountApi
{
    public const string SessionScheme = "identity.session";
    public const string LoginPath = "/account/login";

    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, LoginPage).ExcludeFromDescription();
        app.MapPost(LoginPath, LoginAsync).ExcludeFromDescription();
        return app;
    }

    internal static ContentHttpResult LoginPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        Page(http, antiforgery, returnUrl, error: null);

    internal static async Task<Results<RedirectHttpResult, ContentHttpResult>> LoginAsync(
        HttpContext http, IAntiforgery antiforgery, PasswordSignIn passwords, UserManager<IdentityUser> users,
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var check = await passwords.CheckAsync(username, password, http.Connection.RemoteIpAddress);
        if (check.IsThrottled)
        {
            // said as such, so an owner who mistyped knows to wait rather than to doubt the password
            AccountPages.TooManyRequests(http, check.RetryAfter.GetValueOrDefault());
            return Page(http, antiforgery, returnUrl, "Too many failed sign-ins for this name from your address. Try again later.");
        }

        if (check.User is not { } user)
        {
            // the same answer for an unknown user, a wrong password and an account an administrator locked
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page(http, antiforgery, returnUrl, "The user name or password is wrong, or the account is locked.");
        }

        await AccountSession.SignInAsync(http, users, user);
        return AccountPages.RedirectToLocal(returnUrl);
    }

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error) =>
        AccountPages.Render(http, "Sign in", error, AccountPages.Form(http, antiforgery, LoginPath, returnUrl, """
            <label>User name <input name="username" autocomplete="username" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            """, "Sign in") + AccountPages.Link(RegistrationApi.RegisterPath, returnUrl, "New here? Create an account"));
}
