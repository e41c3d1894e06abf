using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Platform.Identity.Apis;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// The identity service's own sign-in session (a cookie, for its pages and the authorization endpoint only). It carries
/// the account's security stamp, and a session whose stamp is no longer the account's (the password was changed, or
/// "sign out everywhere" was used) is no session: every other browser is signed out by the same change.
/// </summary>
internal static class AccountSession
{
    private const string StampClaim = "stamp";

    public static async Task SignInAsync(HttpContext http, UserManager<IdentityUser> users, IdentityUser user)
    {
        var session = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id),
                new Claim(ClaimTypes.Name, user.UserName!),
                new Claim(StampClaim, await users.GetSecurityStampAsync(user)),
            ],
            AccountApi.SessionScheme);
        await http.SignInAsync(AccountApi.SessionScheme, new ClaimsPrincipal(session));
    }

    /// <summary>The signed-in account, if the session is still good: the account exists, is not locked by an
    /// administrator, and its security stamp is the session's.</summary>
    public static async Task<IdentityUser?> UserAsync(HttpContext http, UserManager<IdentityUser> users)
    {
        var session = await http.AuthenticateAsync(AccountApi.SessionScheme);
        if (!session.Succeeded || await users.GetUserAsync(session.Principal!) is not { } user || await users.IsLockedOutAsync(user))
        {
            return null;
        }

        return session.Principal!.FindFirstValue(StampClaim) == await users.GetSecurityStampAsync(user) ? user : null;
    }
}
