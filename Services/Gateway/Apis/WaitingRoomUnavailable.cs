using StackExchange.Redis;

namespace Platform.Gateway.Apis;

/// <summary>While Redis is unreachable, what needs it (joining, a place not yet known here, the figures) answers 503
/// with a Retry-After instead of a 500: nothing was changed, the same request works once Redis is back.</summary>
internal sealed class WaitingRoomUnavailable : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            context.HttpContext.Response.Headers.RetryAfter = "2";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Waiting room unavailable",
                detail: "The waiting room's store cannot be reached right now; nothing was changed. Retry shortly.");
        }
    }
}
