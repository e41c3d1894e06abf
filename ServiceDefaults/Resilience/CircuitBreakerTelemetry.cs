using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Polly;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>Logs every circuit breaker state change and counts it on "platform.http.circuit_breaker.state_changes".</summary>
public sealed partial class CircuitBreakerTelemetry
{
    /// <summary>The meter ServiceDefaults reports on (a "Platform.*" name: every service exports it).</summary>
    public const string MeterName = "Platform.ServiceDefaults";

    public const string StateChangesInstrumentName = "platform.http.circuit_breaker.state_changes";
    public const string ClientNameTag = "http.client.name";
    public const string StateTag = "circuit_breaker.state";

    private readonly Counter<long> _stateChanges;
    private readonly ILogger<CircuitBreakerTelemetry> _logger;

    public CircuitBreakerTelemetry(IMeterFactory meterFactory, ILogger<CircuitBreakerTelemetry> logger)
    {
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        _stateChanges = meter.CreateCounter<long>(
            StateChangesInstrumentName,
            unit: "{change}",
            description: "HttpClient circuit breaker state changes, by client and new state.");
    }

    internal void OnOpened(string clientName, TimeSpan breakDuration, Outcome<HttpResponseMessage> outcome)
    {
        var cause = outcome.Exception?.GetType().Name ?? $"HTTP {(int?)outcome.Result?.StatusCode}";
        LogOpened(clientName, breakDuration, cause);
        Count(clientName, "open");
    }

    internal void OnHalfOpened(string clientName)
    {
        LogHalfOpened(clientName);
        Count(clientName, "half_open");
    }

    internal void OnClosed(string clientName)
    {
        LogClosed(clientName);
        Count(clientName, "closed");
    }

    private void Count(string clientName, string state) =>
        _stateChanges.Add(1, new KeyValuePair<string, object?>(ClientNameTag, clientName), new(StateTag, state));

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Circuit breaker of HttpClient '{ClientName}' opened for {BreakDuration}; last failure: {Cause}")]
    private partial void LogOpened(string clientName, TimeSpan breakDuration, string cause);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Circuit breaker of HttpClient '{ClientName}' half-open: letting a probe request through")]
    private partial void LogHalfOpened(string clientName);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Circuit breaker of HttpClient '{ClientName}' closed")]
    private partial void LogClosed(string clientName);
}
