using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Platform.Identity.Infrastructure;

namespace Platform.Identity.Apis;

/// <summary>
/// Sign-up: anyone may make an account (a user name or an e-mail address, and a password of the documented policy),
/// which is a buyer and is signed in at once, then returns to where it came from (the authorization request of the
/// code flow). Throttled per client address (<see cref="SignUpThrottle"/>). No e-mail is sent: nothing here needs a
/// mail server, and an e-mail address used as a name is not checked to be the person's (docs/security.md).
/// </summary>
public static class RegistrationApi
{
    public const string RegisterPath = "/account/register";

    // the hash's work grows with the length: a password of a megabyte must not cost a megabyte of hashing
    private const int MaxPasswordLength = 128;
    private const int MinUserNameLength = 3;
    private const int MaxUserNameLength = 64;

    public static IEndpointRouteBuilder MapRegistrationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(RegisterPath, RegisterPage).ExcludeFromDescription();
        app.MapPost(RegisterPath, RegisterAsync).ExcludeFromDescription();
        return app;
    }

    internal static ContentHttpResult RegisterPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        Page(http, antiforgery, returnUrl, message: null);

    internal static async Task<Results<RedirectHttpResult, ContentHttpResult>> RegisterAsync(
        HttpContext http, IAntiforgery antiforgery, UserManager<IdentityUser> users, SignUpThrottle throttle,
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (!throttle.TryBegin(http.Connection.RemoteIpAddress, out var retryAfter))
        {
            AccountPages.TooManyRequests(http, retryAfter);
            return Page(http, antiforgery, returnUrl, "Too many accounts were made from your address. Try again later.");
        }

        username = username?.Trim() ?? "";
        password ??= "";
        var user = new IdentityUser(username);
        var problem = Validate(username, password);
        if (problem is null && await users.CreateAsync(user, password) is { Succeeded: false } refused)
        {
            problem = string.Join(" ", refused.Errors.Select(Describe));
        }

        if (problem is not null)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page(http, antiforgery, returnUrl, problem);
        }

        var role = await users.AddToRoleAsync(user, PlatformAccess.BuyerRole);
        if (!role.Succeeded)
        {
            await users.DeleteAsync(user); // an account that cannot buy is not kept half-made
            throw new InvalidOperationException($"The buyer role could not be given: {string.Join("; ", role.Errors.Select(e => e.Description))}");
        }

        await AccountSession.SignInAsync(http, users, user);
        return AccountPages.RedirectToLocal(returnUrl);
    }

    /// <summary>The rules Identity's own validators do not state (they check the characters, uniqueness and the
    /// length and variety of a password); null when there is nothing to say.</summary>
    internal static string? Validate(string username, string password)
    {
        if (username.Length is < MinUserNameLength or > MaxUserNameLength)
        {
            return $"A user name has {MinUserNameLength} to {MaxUserNameLength} characters.";
        }

        if (password.Length > MaxPasswordLength)
        {
            return $"A password has at most {MaxPasswordLength} characters.";
        }

        return password.Contains(username, StringComparison.OrdinalIgnoreCase) ? "The password must not contain the user name." : null;
    }

    private static string Describe(IdentityError error) => error.Code switch
    {
        // Identity's text names the name; this says the same without echoing it
        nameof(IdentityErrorDescriber.DuplicateUserName) => "That user name is taken.",
        _ => error.Description,
    };

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? message) =>
        AccountPages.Render(http, "Create an account", message, AccountPages.Form(http, antiforgery, RegisterPath, returnUrl, $"""
            <label>User name or e-mail <input name="username" autocomplete="username" minlength="{MinUserNameLength}" maxlength="{MaxUserNameLength}" required></label>
            <label>Password, at least 12 characters <input name="password" type="password" autocomplete="new-password" minlength="12" maxlength="{MaxPasswordLength}" required></label>
            """, "Create account") + AccountPages.Link(AccountApi.LoginPath, returnUrl, "Have an account? Sign in"));
}
