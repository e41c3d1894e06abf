using Polly;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>
/// The standard resilience handler's settings. Defaults mirror Microsoft.Extensions.Http.Resilience's standard
/// handler. Bound from "HttpClient:Resilience", then "HttpClient:{clientName}:Resilience" on top of it.
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>False makes the handler a pass-through for that client.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Bounds the whole call, retries and their delays included.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bounds one attempt; a timed-out attempt counts as transient and may be retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public HttpRetryOptions Retry { get; set; } = new();

    public HttpCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}

public sealed class HttpRetryOptions
{
    /// <summary>0 disables retries.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first delay; doubled per attempt with exponential backoff.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public DelayBackoffType BackoffType { get; set; } = DelayBackoffType.Exponential;

    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Retry POST/PATCH too. Off by default: a request that reached the server may have had its effect. A single
    /// request opts in with <see cref="HttpRequestRetryExtensions.AllowRetries"/> or an Idempotency-Key header.
    /// </summary>
    public bool RetryNonIdempotentRequests { get; set; }

    /// <summary>Wait what a 429/503's Retry-After asks instead of the backoff.</summary>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>
    /// A Retry-After longer than this is not waited for: the response goes back to the caller at once rather than
    /// burning the total timeout.
    /// </summary>
    public TimeSpan MaxRetryAfterDelay { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class HttpCircuitBreakerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Share of handled failures within <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.1;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fewer calls than this in the sampling window never open the circuit.</summary>
    public int MinimumThroughput { get; set; } = 100;

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
