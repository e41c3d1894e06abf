using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Bootstrap.Options;

namespace Platform.Bootstrap.Infrastructure;

/// <summary>
/// Creates each service's database if it is missing (Aspire creates databases only where it runs the server) and makes
/// the service's login role its owner (<see cref="OwnerRoleSql"/>), as the superuser: the one process that holds the
/// superuser's password. Idempotent: every start of the system runs it again.
/// </summary>
internal sealed partial class DatabaseOwners(IConfiguration configuration, IOptions<BootstrapOptions> options, TimeProvider time, ILogger<DatabaseOwners> logger)
{
    // duplicate_database: it exists. unique_violation: another CREATE DATABASE of the same name won the race.
    private static readonly string[] AlreadyExists = ["42P04", "23505"];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var server = configuration.GetConnectionString("postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:postgres (the server, as its superuser) is not set.");
        var deadline = time.GetUtcNow() + options.Value.Patience;
        foreach (var (database, owner) in options.Value.Databases.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            await WhileUnreachableAsync(deadline, async () =>
            {
                await CreateDatabaseAsync(server, database, cancellationToken);
                await MakeOwnerAsync(server, database, owner, cancellationToken);
            }, cancellationToken);
            LogOwned(owner.Role, database);
        }
    }

    private static async Task CreateDatabaseAsync(string server, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @database", connection);
        exists.Parameters.AddWithValue("database", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(database)}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (AlreadyExists.Contains(ex.SqlState))
        {
        }
    }

    private static async Task MakeOwnerAsync(string server, string database, DatabaseOwner owner, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(OwnerRoleSql.Text, connection);
        command.Parameters.AddWithValue("role", owner.Role);
        command.Parameters.AddWithValue("password", owner.Password);
        command.Parameters.AddWithValue("database", database);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Retries while the server cannot be reached or is still starting; any other error is the answer.</summary>
    private async Task WhileUnreachableAsync(DateTimeOffset deadline, Func<Task> step, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await step();
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && time.GetUtcNow() + delay < deadline)
            {
                LogUnreachable(delay, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Role {Role} owns database {Database}")]
    private partial void LogOwned(string role, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is not reachable yet; trying again in {Delay}: {Reason}")]
    private partial void LogUnreachable(TimeSpan delay, string reason);
}
