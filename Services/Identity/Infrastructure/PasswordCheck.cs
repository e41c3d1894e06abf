using Microsoft.AspNetCore.Identity;

namespace Platform.Identity.Infrastructure;

/// <summary>Who signed in; or nobody, and whether it was the throttle (then how long to wait) rather than the password.</summary>
internal readonly record struct PasswordCheck(IdentityUser? User, TimeSpan? RetryAfter)
{
    public static PasswordCheck Failed => default;

    public static PasswordCheck Succeeded(IdentityUser user) => new(user, null);

    public static PasswordCheck Throttled(TimeSpan retryAfter) => new(null, retryAfter);

    public bool IsThrottled => RetryAfter is not null;
}
