using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per client name, shared by every handler instance IHttpClientFactory creates for it (handlers are
/// recycled every two minutes; the circuit breaker's state must outlive them). Options are read at a client's first
/// request.
/// </summary>
public sealed class HttpResiliencePipelineProvider(
    IOptionsMonitor<HttpResilienceOptions> options, TimeProvider timeProvider, CircuitBreakerTelemetry telemetry)
{
    private readonly ConcurrentDictionary<string, Lazy<ClientPipeline>> _pipelines = new(StringComparer.Ordinal);

    /// <summary>The client's pipeline and options; the pipeline is null when resilience is disabled for it.</summary>
    public ClientPipeline GetPipeline(string clientName) =>
        _pipelines.GetOrAdd(clientName, name => new Lazy<ClientPipeline>(() => Create(name))).Value;

    private ClientPipeline Create(string clientName)
    {
        var clientOptions = options.Get(clientName);
        var pipeline = clientOptions.Enabled
            ? HttpResiliencePipelineFactory.Create(clientName, clientOptions, timeProvider, telemetry)
            : null;
        return new ClientPipeline(clientOptions, pipeline);
    }
}

public sealed record ClientPipeline(HttpResilienceOptions Options, ResiliencePipeline<HttpResponseMessage>? Pipeline);
