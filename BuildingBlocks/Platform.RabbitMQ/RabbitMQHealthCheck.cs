using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client.Exceptions;

namespace Platform.RabbitMQ;

/// <summary>Healthy when the shared AMQP connection is open (opening it if needed).</summary>
public sealed class RabbitMQHealthCheck(RabbitMQConnectionProvider provider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await provider.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            return connection.IsOpen
                ? HealthCheckResult.Healthy($"RabbitMQ {provider.Endpoint}: connection open.")
                : new HealthCheckResult(context.Registration.FailureStatus, $"RabbitMQ {provider.Endpoint}: connection closed.");
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"RabbitMQ {provider.Endpoint}: {ex.Message}", ex);
        }
    }
}
