using Platform.Gateway.Extensions;

namespace Platform.Gateway.Proxy;

/// <summary>
/// A request header the proxy could not forward is the caller's mistake, answered here as a 400 problem: Kestrel
/// accepts bytes outside ASCII in a header value, but the proxy's HttpClient refuses to send them, which YARP reported
/// as the gateway's own failure (502). A header value may hold printable ASCII, spaces and tabs (RFC 9110's field
/// value, less the obsolete other bytes).
/// </summary>
internal sealed class ForwardableHeaders(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        foreach (var header in http.Request.Headers)
        {
            foreach (var value in header.Value)
            {
                if (value is not null && !IsForwardable(value))
                {
                    return RefuseAsync(http, header.Key);
                }
            }
        }

        return next(http);
    }

    internal static bool IsForwardable(string value)
    {
        // vectorized: the first character outside printable ASCII, then the rare tab skipped
        var rest = value.AsSpan();
        int index;
        while ((index = rest.IndexOfAnyExceptInRange(' ', '~')) >= 0)
        {
            if (rest[index] != '\t')
            {
                return false;
            }

            rest = rest[(index + 1)..];
        }

        return true;
    }

    private static Task RefuseAsync(HttpContext http, string header) =>
        http.WriteProblemAsync(StatusCodes.Status400BadRequest, "Unreadable header",
            $"The {header} header holds characters a header cannot carry: printable ASCII, spaces and tabs only.");
}
