using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>Aspire.Npgsql's shape: one pooled <see cref="NpgsqlDataSource"/> per database, plus its health check.</summary>
public static class NpgsqlHostingExtensions
{
    public static IHostApplicationBuilder AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName, Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        builder.Services.AddSingleton(services =>
        {
            var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL connection string 'ConnectionStrings:{connectionName}' is missing. Reference the database from the AppHost (WithReference) or set it in configuration.");
            }

            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            dataSource.UseLoggerFactory(services.GetService<ILoggerFactory>());
            configure?.Invoke(dataSource);
            return dataSource.Build();
        });
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "postgres",
            services => new NpgsqlHealthCheck(services.GetRequiredService<NpgsqlDataSource>()),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }
}
