using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Platform.Hosting.Dashboard;

/// <summary>Browser-token sign-in, as Aspire's dashboard does it: the URL printed on the console carries the run's
/// token; <c>/login?t=TOKEN</c> exchanges it for an HttpOnly, SameSite=Strict session cookie. Every other request
/// without that cookie gets 401. State-changing calls must also carry <see cref="CommandHeader"/>, which a
/// cross-site form cannot send.</summary>
internal sealed class DashboardAuth(string browserToken)
{
    public const string CookieName = "platform_dashboard";
    public const string CommandHeader = "X-Dashboard-Command";

    // The cookie holds a session secret, not the token itself, so a leaked cookie does not reveal the printed URL.
    private readonly string _sessionSecret = DashboardSettings.Base64Url(RandomNumberGenerator.GetBytes(32));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        // Inline style attributes place the waterfall's bars; scripts stay external only.
        response.Headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

        if (context.Request.Path == "/login")
        {
            await LoginAsync(context).ConfigureAwait(false);
            return;
        }

        if (!Matches(context.Request.Cookies[CookieName], _sessionSecret))
        {
            await RefuseAsync(context, "Open the dashboard with the login URL printed on the AppHost's console.").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !context.Request.Headers.ContainsKey(CommandHeader))
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private async Task LoginAsync(HttpContext context)
    {
        if (!Matches(context.Request.Query["t"].ToString(), browserToken))
        {
            await RefuseAsync(context, "This login link is not valid for this run of the AppHost.").ConfigureAwait(false);
            return;
        }

        context.Response.Cookies.Append(CookieName, _sessionSecret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        context.Response.Redirect("/");
    }

    private static async Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message).ConfigureAwait(false);
    }

    private static bool Matches(string? presented, string expected) =>
        !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
