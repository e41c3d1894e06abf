using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Messaging;

/// <summary>
/// Unhealthy until every receive endpoint of this process has been ready once, then healthy for good. MassTransit's
/// own check says Degraded while only some endpoints are ready, and a Degraded /health still answers 200: a service
/// just started was reported ready (and its dependants released, the test suite's fixtures included) while some of its
/// queues had no consumer yet. Messages waited, none were lost, but they were taken in whatever order the endpoints
/// came up. After start-up, a broker outage is MassTransit's check's to report (Degraded or Unhealthy), not this one's:
/// the service still takes requests and writes its outbox meanwhile.
/// </summary>
internal sealed class ConsumersStartedHealthCheck(IBusControl bus) : IHealthCheck
{
    public const string Name = "messaging-consumers";

    private volatile bool _started;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            var health = bus.CheckHealth();
            if (health.Status != BusHealthStatus.Healthy)
            {
                return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"Receive endpoints are starting: {health.Description}"));
            }

            _started = true;
        }

        return Task.FromResult(HealthCheckResult.Healthy("Every receive endpoint has been consuming since start-up."));
    }
}
