using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Payment.Infrastructure;

/// <summary>
/// Readiness of the broker as the bus sees it, under the name every service reports its broker as ("rabbitmq"):
/// the bus's own connection, not a second one opened only to be probed.
/// </summary>
internal sealed class BusHealthCheck(IBusControl bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        return Task.FromResult(health.Status switch
        {
            BusHealthStatus.Healthy => HealthCheckResult.Healthy($"RabbitMQ: {health.Description}"),
            BusHealthStatus.Degraded => HealthCheckResult.Degraded($"RabbitMQ: {health.Description}"),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"RabbitMQ: {health.Description}"),
        });
    }
}
