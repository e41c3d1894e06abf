using System.Diagnostics;

namespace Platform.Catalog.Infrastructure;

/// <summary>
/// Brings the database to the latest schema at start-up. Replicas starting together queue on a PostgreSQL advisory
/// lock, so exactly one applies each step (with its seed) and the others find it recorded.
/// </summary>
internal sealed class CatalogMigrator(NpgsqlDataSource dataSource, ILogger<CatalogMigrator> logger)
{
    // any fixed 64-bit number, unique among the database's advisory locks
    private const long MigrationLockKey = 0x43_61_74_61_6C_6F_67; // "Catalog"

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await OpenWithRetryAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, new NpgsqlParameter<long>("key", MigrationLockKey));
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    duration_ms integer NOT NULL)
                """, cancellationToken);
            var applied = await AppliedVersionsAsync(connection, cancellationToken);
            foreach (var migration in Migrations.All.Where(m => !applied.Contains(m.Version)))
            {
                await ApplyAsync(connection, migration, cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, new NpgsqlParameter<long>("key", MigrationLockKey));
        }

        logger.LogInformation("Catalog database is at schema version {Version} ({Elapsed:F0} ms).",
            Migrations.All[^1].Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (migration.Sql is not null)
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
        }

        if (migration.Apply is not null)
        {
            await migration.Apply(connection, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, duration_ms) VALUES (@version, @name, @ms)", cancellationToken,
            new NpgsqlParameter<int>("version", migration.Version), new NpgsqlParameter<string>("name", migration.Name), new NpgsqlParameter<int>("ms", (int)elapsed.TotalMilliseconds));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Applied catalog migration {Version} '{Name}' in {Elapsed:F0} ms.", migration.Version, migration.Name, elapsed.TotalMilliseconds);
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    /// <summary>The AppHost waits for the database, but a standalone start may race PostgreSQL's own start-up.</summary>
    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (NpgsqlException ex) when (attempt < 10)
            {
                logger.LogWarning("Catalog database not reachable yet (attempt {Attempt}): {Message}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
