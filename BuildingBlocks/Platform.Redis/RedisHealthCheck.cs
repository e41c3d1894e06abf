using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Redis;

/// <summary>
/// Healthy when the connection is up and answers PING; Unhealthy (with the reason) otherwise. Does not wait for a
/// reconnection: while disconnected it reports at once.
/// </summary>
public sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!connection.IsConnected)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"Redis {connection.EndPoint} is {connection.State.ToString().ToLowerInvariant()}: {connection.LastError?.Message ?? "no connection yet"}",
                connection.LastError);
        }

        try
        {
            var latency = await connection.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                $"Redis {connection.EndPoint} answered PING in {latency.TotalMilliseconds:0.0} ms.",
                new Dictionary<string, object> { ["latency_ms"] = latency.TotalMilliseconds });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis {connection.EndPoint} PING failed: {ex.Message}", ex);
        }
    }
}
