using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>
/// Builds the standard pipeline, outermost first, like Microsoft.Extensions.Http.Resilience's standard handler:
/// total timeout → retry → circuit breaker → attempt timeout.
/// </summary>
internal static class HttpResiliencePipelineFactory
{
    /// <summary>Set per request by the handler: may this request be sent again?</summary>
    public static readonly ResiliencePropertyKey<bool> RetryAllowed = new("Platform.Resilience.RetryAllowed");

    public static ResiliencePipeline<HttpResponseMessage> Create(
        string clientName, HttpResilienceOptions options, TimeProvider timeProvider, CircuitBreakerTelemetry telemetry)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = "standard",
            InstanceName = clientName,
            TimeProvider = timeProvider,
        };

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "TotalRequestTimeout",
            Timeout = options.TotalRequestTimeout,
        });

        if (options.Retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(CreateRetry(options.Retry, timeProvider));
        }

        if (options.CircuitBreaker.Enabled)
        {
            builder.AddCircuitBreaker(CreateCircuitBreaker(clientName, options.CircuitBreaker, telemetry));
        }

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "AttemptTimeout",
            Timeout = options.AttemptTimeout,
        });

        return builder.Build();
    }

    private static RetryStrategyOptions<HttpResponseMessage> CreateRetry(HttpRetryOptions retry, TimeProvider timeProvider) => new()
    {
        MaxRetryAttempts = retry.MaxRetryAttempts,
        Delay = retry.BaseDelay,
        BackoffType = retry.BackoffType,
        UseJitter = retry.UseJitter,
        ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, retry, timeProvider)),
        DelayGenerator = retry.HonorRetryAfter
            // null falls back to the backoff.
            ? args => ValueTask.FromResult(RetryAfter.GetDelay(args.Outcome.Result, timeProvider))
            : null,
    };

    private static bool ShouldRetry(
        ResilienceContext context, Outcome<HttpResponseMessage> outcome, HttpRetryOptions retry, TimeProvider timeProvider)
    {
        if (!context.Properties.GetValue(RetryAllowed, false) || !TransientHttpFailure.IsTransient(outcome))
        {
            return false;
        }

        // Waiting longer than the caller can afford only turns a clear answer into a timeout.
        return !retry.HonorRetryAfter
            || RetryAfter.GetDelay(outcome.Result, timeProvider) is not { } wait
            || wait <= retry.MaxRetryAfterDelay;
    }

    private static CircuitBreakerStrategyOptions<HttpResponseMessage> CreateCircuitBreaker(
        string clientName, HttpCircuitBreakerOptions breaker, CircuitBreakerTelemetry telemetry) => new()
        {
            FailureRatio = breaker.FailureRatio,
            SamplingDuration = breaker.SamplingDuration,
            MinimumThroughput = breaker.MinimumThroughput,
            BreakDuration = breaker.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(TransientHttpFailure.IsTransient(args.Outcome)),
            OnOpened = args =>
            {
                telemetry.OnOpened(clientName, args.BreakDuration, args.Outcome);
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                telemetry.OnHalfOpened(clientName);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                telemetry.OnClosed(clientName);
                return ValueTask.CompletedTask;
            },
        };
}
