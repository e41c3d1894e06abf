using Microsoft.AspNetCore.Mvc;

namespace Platform.Gateway.Extensions;

/// <summary>A problem (RFC 7807) written by the gateway's own middleware, through the same service the endpoints use.</summary>
internal static class ProblemResponses
{
    public static async Task WriteProblemAsync(this HttpContext http, int status, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = extensions ?? [] },
        });
    }
}
