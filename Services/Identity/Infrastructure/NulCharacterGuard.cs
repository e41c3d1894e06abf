using Microsoft.AspNetCore.Mvc;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// A NUL in any query or form field, or a form that cannot be read, is refused before anything reads it: PostgreSQL
/// refuses the character in text, and ASP.NET Core's form reader refuses it in a form, so a user name or client id
/// holding one answered 500. The token and authorization endpoints answer in OAuth's form (<c>invalid_request</c>),
/// the pages with a problem.
/// </summary>
internal static class NulCharacterGuard
{
    /// <summary>Runs before authentication, where OpenIddict looks the client up.</summary>
    public static IApplicationBuilder UseNulCharacterGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (await FindNulAsync(http.Request) is not { } field)
        {
            await next(http);
            return;
        }

        var description = $"The field '{field}' holds a NUL character or cannot be read.";
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (http.Request.Path.StartsWithSegments("/connect"))
        {
            http.Response.ContentType = "application/json;charset=UTF-8";
            await http.Response.WriteAsync(new System.Text.Json.Nodes.JsonObject { ["error"] = "invalid_request", ["error_description"] = description }.ToJsonString());
            return;
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid field", Detail = description },
        });
    });

    private static async Task<string?> FindNulAsync(HttpRequest request)
    {
        if (FirstWithNul(request.Query) is { } inQuery)
        {
            return inQuery;
        }

        if (!request.HasFormContentType)
        {
            return null;
        }

        try
        {
            // ASP.NET Core's reader refuses a form value with a NUL itself; the form it reads is kept, so OpenIddict and
            // the login form read it again for free
            await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return null;
        }
        catch (InvalidDataException)
        {
            // OpenIddict, reading the form next, answered this with a 500
            return "(the form)";
        }
    }

    private static string? FirstWithNul(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> fields) =>
        fields.Where(f => f.Key.Contains('\0') || f.Value.Any(v => v?.Contains('\0') == true)).Select(f => f.Key.Replace('\0', '?')).FirstOrDefault();
}
