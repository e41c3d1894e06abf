using System.Data.Common;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Platform.ServiceDefaults.Web;

/// <summary>
/// A request that failed because a dependency is away (the database restarting, Redis down, a breaker open, a
/// downstream timeout) is answered 503 with Retry-After: the caller's fault it is not, and trying again later works.
/// Anything else unhandled stays a 500.
/// </summary>
public static class DependencyUnavailable
{
    public const int RetryAfterSeconds = 5;

    public static int StatusCodeOf(Exception exception) => exception switch
    {
        BadHttpRequestException badRequest => badRequest.StatusCode,
        _ when IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true } or TimeoutException or SocketException or BrokenCircuitException or TimeoutRejectedException
                || current.GetType().FullName is "StackExchange.Redis.RedisConnectionException")
            {
                return true;
            }
        }

        return false;
    }
}
