using System.Net;
using Microsoft.AspNetCore.Identity;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// The one password check, for the login page and the password grant alike: the throttle first (a throttled attempt
/// reads no account and checks no password), then exactly one hash check whether the name exists or not, then an
/// administrator's lockout. A wrong password never locks an account (docs/security.md, "Sign-in throttling").
/// </summary>
internal sealed class PasswordSignIn(
    UserManager<IdentityUser> users, IPasswordHasher<IdentityUser> hasher, UnknownUserPassword unknown, SignInThrottle throttle)
{
    public async Task<PasswordCheck> CheckAsync(string? userName, string? password, IPAddress? client)
    {
        userName ??= "";
        password ??= "";
        // one key for "Alice" and "alice", as the account lookup itself does
        var normalized = users.NormalizeName(userName) ?? "";
        if (!throttle.TryBegin(normalized, client, out var retryAfter))
        {
            return PasswordCheck.Throttled(retryAfter);
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null || !await users.HasPasswordAsync(user))
        {
            // UserManager returns at once for an account it cannot check: the same work as for one it can
            unknown.Check(hasher, password);
            return PasswordCheck.Failed;
        }

        // after the hash, so a locked account takes as long to refuse as a wrong password
        if (!await users.CheckPasswordAsync(user, password) || await users.IsLockedOutAsync(user))
        {
            return PasswordCheck.Failed;
        }

        throttle.Succeeded(normalized, client);
        return PasswordCheck.Succeeded(user);
    }
}
