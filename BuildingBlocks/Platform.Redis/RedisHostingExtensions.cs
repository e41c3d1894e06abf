using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Platform.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers <see cref="RedisConnection"/> the way Aspire client integrations do.</summary>
public static class RedisHostingExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="RedisConnection"/> built from <c>ConnectionStrings:{connectionName}</c>
    /// and a health check named <c>redis</c> (PING; Unhealthy on failure). The connection is created on first
    /// resolution and connects in the background, so the application starts while Redis is down (the
    /// connection string's abortConnect is ignored). Trace and metrics with
    /// <see cref="RedisDiagnostics.ActivitySourceName"/> / <see cref="RedisDiagnostics.MeterName"/>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">Name of the connection string (the Aspire resource name).</param>
    /// <param name="configure">Adjusts the parsed options (timeouts, certificate validation, ...).</param>
    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder, string connectionName, Action<RedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        builder.Services.AddSingleton(sp => CreateConnection(sp, connectionName, configure));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis",
            sp => new RedisHealthCheck(sp.GetRequiredService<RedisConnection>()),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>
    /// Like <see cref="AddRedisClient"/>, for a second Redis: a keyed singleton (key = <paramref name="connectionName"/>)
    /// and a health check named <c>redis_{connectionName}</c>.
    /// </summary>
    public static IHostApplicationBuilder AddKeyedRedisClient(this IHostApplicationBuilder builder, string connectionName, Action<RedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        builder.Services.AddKeyedSingleton(connectionName, (sp, _) => CreateConnection(sp, connectionName, configure));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"redis_{connectionName}",
            sp => new RedisHealthCheck(sp.GetRequiredKeyedService<RedisConnection>(connectionName)),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    private static RedisConnection CreateConnection(IServiceProvider services, string connectionName, Action<RedisOptions>? configure)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var connectionString = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Redis connection string 'ConnectionStrings:{connectionName}' is missing. "
                + "Reference the Redis resource from the AppHost (WithReference) or set the connection string in configuration.");
        }

        var options = RedisOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        configure?.Invoke(options);
        return RedisConnection.Create(options);
    }
}
