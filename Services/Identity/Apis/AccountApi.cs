using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
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
        HttpContext http, IAntiforgery antiforgery, PasswordSignIn passwords,
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var check = await passwords.CheckAsync(username, password, http.Connection.RemoteIpAddress);
        if (check.IsThrottled)
        {
            // said as such, so an owner who mistyped knows to wait rather than to doubt the password
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = check.RetryAfterSeconds;
            return Page(http, antiforgery, returnUrl, "Too many failed sign-ins for this name from your address. Try again later.");
        }

        if (check.User is not { } user)
        {
            // the same answer for an unknown user, a wrong password and an account an administrator locked
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page(http, antiforgery, returnUrl, "The user name or password is wrong, or the account is locked.");
        }

        var session = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.UserName!)], SessionScheme);
        await http.SignInAsync(SessionScheme, new ClaimsPrincipal(session));
        // ASP.NET Core's own test: a path on this site, no control character a browser would drop ("/<TAB>/evil" is "//evil")
        return TypedResults.Redirect(RedirectHttpResult.IsLocalUrl(returnUrl) ? PercentEncodeNonAscii(returnUrl!) : "/");
    }

    /// <summary>A header carries ASCII only: a return address with other characters would make the redirect throw.</summary>
    private static string PercentEncodeNonAscii(string url)
    {
        if (System.Text.Ascii.IsValid(url))
        {
            return url;
        }

        var encoded = new System.Text.StringBuilder(url.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                encoded.Append((char)rune.Value);
                continue;
            }

            for (var i = 0; i < rune.EncodeToUtf8(utf8); i++)
            {
                encoded.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        var message = error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        return TypedResults.Content($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
            <style>body{font-family:system-ui;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}</style></head>
            <body><h1>Sign in</h1>{{message}}
            <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="{{tokens.FormFieldName}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
            <label>User name <input name="username" autocomplete="username" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """, "text/html; charset=utf-8");
    }
}
