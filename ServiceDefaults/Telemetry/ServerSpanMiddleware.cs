using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Platform.ServiceDefaults.Health;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// ASP.NET Core (.NET 10) starts a server Activity per request but sets no tag on it, neither at creation (so a
/// sampler cannot see the path) nor later; that is what OpenTelemetry.Instrumentation.AspNetCore normally adds, and
/// we do not have it. This middleware, first in the pipeline, does the two things we need from it:
/// health probes are un-recorded (the SDK then neither exports them nor, with a parent-based sampler, their
/// children), and the other requests get the HTTP semantic-convention attributes and a "{method} {route}" name.
/// </summary>
internal sealed class ServerSpanMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is null || !activity.IsAllDataRequested)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        if (HealthEndpoints.IsProbe(request.Path))
        {
            // What the SDK checks when the Activity stops; the flag also tells downstream calls not to sample.
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            await next(context);
            return;
        }

        SetRequestTags(activity, request);
        Exception? failure = null;
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            failure = exception;
            throw;
        }
        finally
        {
            SetResponseTags(activity, context, failure);
        }
    }

    private static void SetRequestTags(Activity activity, HttpRequest request)
    {
        activity.DisplayName = request.Method;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        if (request.Host.HasValue)
        {
            activity.SetTag("server.address", request.Host.Host);
            activity.SetTag("server.port", request.Host.Port ?? (request.IsHttps ? 443 : 80));
        }

        if (request.Protocol.StartsWith("HTTP/", StringComparison.Ordinal))
        {
            activity.SetTag("network.protocol.version", request.Protocol["HTTP/".Length..]);
        }

        if (request.Headers.UserAgent is { Count: > 0 } userAgent)
        {
            activity.SetTag("user_agent.original", userAgent.ToString());
        }
    }

    private static void SetResponseTags(Activity activity, HttpContext context, Exception? failure)
    {
        // An unhandled exception becomes a 500 once it leaves the pipeline; the response does not say so yet.
        var statusCode = failure is null ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;
        activity.SetTag("http.response.status_code", statusCode);

        // The exception handler clears the endpoint before re-executing; it keeps the original on its feature.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint is RouteEndpoint { RoutePattern.RawText: { } route })
        {
            activity.SetTag("http.route", route);
            activity.DisplayName = $"{context.Request.Method} {route}";
        }

        var handledFailure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (failure is not null || handledFailure is not null)
        {
            activity.SetTag("error.type", (failure ?? handledFailure)!.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
        }
        else if (statusCode >= 500)
        {
            activity.SetTag("error.type", statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
