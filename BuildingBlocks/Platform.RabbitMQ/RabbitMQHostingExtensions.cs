using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.RabbitMQ;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire.RabbitMQ.Client's shape: a shared connection from <c>ConnectionStrings:{name}</c>, plus its health check.</summary>
public static class RabbitMQHostingExtensions
{
    public static IHostApplicationBuilder AddRabbitMQClient(this IHostApplicationBuilder builder, string connectionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        builder.Services.AddSingleton(services =>
        {
            var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName);
            if (string.IsNullOrWhiteSpace(connectionString) || !Uri.TryCreate(connectionString, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException(
                    $"RabbitMQ connection string 'ConnectionStrings:{connectionName}' is missing or not an amqp:// URI. Reference the broker from the AppHost (WithReference).");
            }

            return new RabbitMQConnectionProvider(uri, services.GetRequiredService<IHostEnvironment>().ApplicationName);
        });
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "rabbitmq",
            services => new RabbitMQHealthCheck(services.GetRequiredService<RabbitMQConnectionProvider>()),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }
}
