using System.Globalization;
using System.Security.Claims;

namespace Platform.Notification.Infrastructure;

/// <summary>How long the access token behind a request stays valid: its <c>exp</c> claim (seconds since 1970, which
/// token validation already required and checked), never less than nothing, never more than a day.</summary>
public static class TokenLifetime
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public static TimeSpan Remaining(ClaimsPrincipal user, DateTimeOffset now)
    {
        if (!long.TryParse(user.FindFirst("exp")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exp))
        {
            return TimeSpan.Zero; // no expiry to go by: nothing to keep open
        }

        var left = DateTimeOffset.FromUnixTimeSeconds(Math.Min(exp, DateTimeOffset.MaxValue.ToUnixTimeSeconds())) - now;
        return left < TimeSpan.Zero ? TimeSpan.Zero : left > Longest ? Longest : left;
    }
}
