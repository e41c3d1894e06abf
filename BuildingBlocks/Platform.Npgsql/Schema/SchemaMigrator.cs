using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Npgsql.Schema;

/// <summary>
/// Brings the service's database to its latest schema when the service starts, before anything else that uses it (it
/// is the first hosted service: the bus, the outbox dispatcher and Kestrel start after it). Every step of every
/// registered <see cref="SchemaMigrationSet"/> that <c>schema_history</c> lacks runs in its own transaction, in
/// registration order. Replicas starting together queue on a PostgreSQL advisory lock derived from the database's
/// name, so exactly one applies each step and the others find it recorded.
/// </summary>
internal sealed class SchemaMigrator(NpgsqlDataSource dataSource, IEnumerable<SchemaMigrationSet> sets, ILogger<SchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database ?? "postgres";
        await using var connection = await OpenWithRetryAsync(database, cancellationToken).ConfigureAwait(false);
        var lockKey = LockKey(database);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, new NpgsqlParameter<long>("key", lockKey)).ConfigureAwait(false);
        var applied = 0;
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_history (
                    id text PRIMARY KEY,
                    owner text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    duration_ms integer NOT NULL)
                """, cancellationToken).ConfigureAwait(false);
            var done = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var set in sets)
            {
                foreach (var migration in set.Migrations.Where(m => !done.Contains(m.Id)))
                {
                    await ApplyAsync(connection, set.Owner, migration, cancellationToken).ConfigureAwait(false);
                    applied++;
                }
            }
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, new NpgsqlParameter<long>("key", lockKey)).ConfigureAwait(false);
        }

        logger.LogInformation("Database {Database} is up to date: {Applied} step(s) applied in {Elapsed:F0} ms.",
            database, applied, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A 64-bit advisory lock key of the database's own, instead of numbers picked by hand per service.</summary>
    internal static long LockKey(string database) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"platform:schema:{database}")), 0);

    private async Task ApplyAsync(NpgsqlConnection connection, string owner, SchemaMigration migration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (migration.Sql is not null)
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
        }

        if (migration.Apply is not null)
        {
            await migration.Apply(connection, cancellationToken).ConfigureAwait(false);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        await ExecuteAsync(connection, "INSERT INTO schema_history (id, owner, duration_ms) VALUES (@id, @owner, @ms)", cancellationToken,
            new NpgsqlParameter<string>("id", migration.Id), new NpgsqlParameter<string>("owner", owner), new NpgsqlParameter<int>("ms", (int)elapsed.TotalMilliseconds)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Applied schema step '{Id}' ({Owner}) in {Elapsed:F0} ms.", migration.Id, owner, elapsed.TotalMilliseconds);
    }

    private static async Task<HashSet<string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM schema_history", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The AppHost waits for the database, but a standalone start may race PostgreSQL's own start-up.</summary>
    private async Task<NpgsqlConnection> OpenWithRetryAsync(string database, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (attempt < 10)
            {
                logger.LogWarning("Database {Database} not reachable yet (attempt {Attempt}): {Message}", database, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
