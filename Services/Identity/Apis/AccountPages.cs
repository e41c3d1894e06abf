using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Identity.Infrastructure;

namespace Platform.Identity.Apis;

/// <summary>
/// What every account page shares: one look, a strict content security policy (no script at all), an antiforgery
/// field in each form, and return addresses that stay on this site.
/// </summary>
internal static class AccountPages
{
    /// <summary>A page whose <paramref name="body"/> is trusted HTML; <paramref name="message"/> is encoded.</summary>
    public static ContentHttpResult Render(HttpContext http, string title, string? message, string body)
    {
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        http.Response.Headers.CacheControl = "no-store";
        var alert = message is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(message)}</p>";
        return TypedResults.Content($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>*{box-sizing:border-box}body{font-family:system-ui;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}form{margin-bottom:2rem}</style></head>
            <body><h1>{{WebUtility.HtmlEncode(title)}}</h1>{{alert}}
            {{body}}
            </body></html>
            """, "text/html; charset=utf-8");
    }

    /// <summary>A refused attempt (a throttle): 429, and when to try again.</summary>
    public static void TooManyRequests(HttpContext http, TimeSpan wait)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        RetryAfterHeader.Set(http.Response, wait);
    }

    /// <summary>A form posting to <paramref name="action"/>, with the antiforgery field and the return address.</summary>
    public static string Form(HttpContext http, IAntiforgery antiforgery, string action, string? returnUrl, string fields, string button)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"""
            <form method="post" action="{WebUtility.HtmlEncode(action)}">
            <input type="hidden" name="{tokens.FormFieldName}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? "/")}">
            {fields}
            <button type="submit">{WebUtility.HtmlEncode(button)}</button>
            </form>
            """;
    }

    /// <summary>A link to another account page that keeps the return address.</summary>
    public static string Link(string path, string? returnUrl, string text) =>
        $"<p><a href=\"{WebUtility.HtmlEncode(path + QueryString.Create("returnUrl", returnUrl ?? "/"))}\">{WebUtility.HtmlEncode(text)}</a></p>";

    /// <summary>Where to go after a form: <paramref name="returnUrl"/> if ASP.NET Core's own test finds it a path on
    /// this site (no control character a browser would drop: "/&lt;TAB&gt;/evil" is "//evil"), else the site's root.</summary>
    public static RedirectHttpResult RedirectToLocal(string? returnUrl) =>
        TypedResults.Redirect(RedirectHttpResult.IsLocalUrl(returnUrl) ? PercentEncodeNonAscii(returnUrl!) : "/");

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
}
