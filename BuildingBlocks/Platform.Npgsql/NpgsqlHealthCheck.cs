using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Platform.Npgsql;

/// <summary>Healthy when a pooled connection runs <c>SELECT 1</c> on the service's own database.</summary>
public sealed class NpgsqlHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PostgreSQL database '{new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database}' answered.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"PostgreSQL: {ex.Message}", ex);
        }
    }
}
