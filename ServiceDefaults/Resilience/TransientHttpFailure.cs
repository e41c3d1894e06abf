using System.Net;
using Polly;
using Polly.Timeout;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>What counts as a transient failure, for both the retry and the circuit breaker.</summary>
public static class TransientHttpFailure
{
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => IsTransient(response.StatusCode),
        // Connection refused/reset, DNS failure...; and an attempt that timed out.
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode statusCode) =>
        (int)statusCode >= 500
        || statusCode == HttpStatusCode.RequestTimeout
        || statusCode == HttpStatusCode.TooManyRequests;
}
