using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisHostingExtensions
{
    /// <summary>
    /// The platform's shared Redis (locks and fences, limits, idempotency keys, waiting rooms, stream leases, feeds,
    /// pub/sub) through Aspire.StackExchange.Redis: one multiplexer, tracing, and a health check that asks what the
    /// service needs, a primary that answers (<see cref="RedisPrimaryHealthCheck"/>). The connection string may name
    /// sentinels (<c>serviceName=</c>): StackExchange.Redis then follows a failover by itself.
    /// </summary>
    public static IHostApplicationBuilder AddStateRedis(this IHostApplicationBuilder builder, string connectionName)
    {
        builder.AddRedisClient(
            connectionName,
            settings => settings.DisableHealthChecks = true,
            // FailFast: while Redis is unreachable a command fails at once instead of queueing until its timeout, so
            // the cache, the limiter and the locks fall back within milliseconds (docs/caching.md, "Redis down").
            options => options.BacklogPolicy = BacklogPolicy.FailFast);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "StackExchange.Redis", // the name Aspire gives its own check: dashboards and filters keep working
            services => new RedisPrimaryHealthCheck(services.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }
}
