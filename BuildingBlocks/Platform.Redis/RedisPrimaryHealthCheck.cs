using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>
/// Healthy when the primary answers a PING. The check Aspire would register pings every endpoint the multiplexer knows,
/// replicas included, so a replica that is down (or the old primary after a failover) would mark every service
/// unhealthy while it works; and a ping that may go to a replica would call a service healthy while writes fail.
/// </summary>
internal sealed class RedisPrimaryHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync(CommandFlags.DemandMaster).WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Primary answered in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The primary does not answer.", ex);
        }
    }
}
