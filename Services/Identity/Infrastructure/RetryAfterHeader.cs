using System.Globalization;

namespace Platform.Identity.Infrastructure;

/// <summary>The one way this service sets a <c>Retry-After</c>: whole seconds, rounded up, so that a client that waits
/// exactly that long is not refused again for a fraction of a second.</summary>
internal static class RetryAfterHeader
{
    public static void Set(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
