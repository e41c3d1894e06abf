namespace Platform.ServiceDefaults.Resilience;

public static class HttpRequestRetryExtensions
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly HttpRequestOptionsKey<bool> AllowRetriesKey = new("Platform.Resilience.AllowRetries");

    /// <summary>Marks a non-idempotent request (POST, PATCH) as safe to send again on a transient failure.</summary>
    public static HttpRequestMessage AllowRetries(this HttpRequestMessage request)
    {
        request.Options.Set(AllowRetriesKey, true);
        return request;
    }

    /// <summary>
    /// GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent by definition (RFC 9110 9.2.2); anything else is
    /// retried only when the request opted in or carries an Idempotency-Key.
    /// </summary>
    public static bool IsRetryable(this HttpRequestMessage request)
    {
        var method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || method == HttpMethod.Trace || method == HttpMethod.Put || method == HttpMethod.Delete)
        {
            return true;
        }

        return (request.Options.TryGetValue(AllowRetriesKey, out var allowed) && allowed)
            || request.Headers.Contains(IdempotencyKeyHeader);
    }
}
