using System.Globalization;
using Npgsql;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Resources.Postgres;

internal sealed class PostgresServer(PostgresServerResource resource) : ILocalServer
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    // PostgreSQL refuses to run as root; the Debian package creates this account.
    private const string ServiceAccount = "postgres";

    public IReadOnlyList<RequiredBinary> RequiredBinaries { get; } =
    [
        new($"{BinDirectory}/initdb", "postgresql"),
        new($"{BinDirectory}/postgres", "postgresql"),
    ];

    public async Task<IReadOnlyList<ProcessSpec>> PrepareAsync(LocalServerContext context, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(context.DataDirectory, "pgdata");
        var socketDirectory = Path.Combine(context.ScratchDirectory, "socket");
        Directory.CreateDirectory(socketDirectory);
        await FileOwnership.ChownAsync(context.ScratchDirectory, ServiceAccount, recursive: true, cancellationToken).ConfigureAwait(false);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeClusterAsync(context, dataDirectory, cancellationToken).ConfigureAwait(false);
        }

        return
        [
            new ProcessSpec($"{BinDirectory}/postgres",
            [
                "-D", dataDirectory,
                "-p", resource.PrimaryEndpoint.Port.ToString(CultureInfo.InvariantCulture),
                "-c", $"listen_addresses={LocalHost.Address}",
                "-c", $"unix_socket_directories={socketDirectory}",
                "-c", "max_connections=300",
                "-c", "logging_collector=off",
            ])
            {
                RunAsUser = ServiceAccount,
                WorkingDirectory = context.ScratchDirectory,
                StopSignal = StopSignal.Interrupt, // "fast" shutdown: roll back open transactions, checkpoint, exit
            },
        ];
    }

    public async Task<HealthCheckOutcome> CheckHealthAsync(CancellationToken cancellationToken) =>
        await QueryAsync(databaseName: "postgres", cancellationToken).ConfigureAwait(false);

    /// <summary>Creates a database once; safe to call again after a restart or on a persistent volume.</summary>
    public async Task CreateDatabaseAsync(string databaseName, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync("postgres", cancellationToken).ConfigureAwait(false)) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", databaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            // Identifiers cannot be parameters; the name is validated as a resource name (letters, digits, hyphens).
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<HealthCheckOutcome> QueryAsync(string databaseName, CancellationToken cancellationToken)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync(databaseName, cancellationToken).ConfigureAwait(false))
            {
                Pooling = false,
                Timeout = 3,
            };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckOutcome.Healthy($"SELECT 1 on {databaseName}");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckOutcome.Unhealthy(ex.Message);
        }
    }

    private async Task<string> ConnectionStringAsync(string databaseName, CancellationToken cancellationToken) =>
        $"{await resource.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)};Database={databaseName}";

    private async Task InitializeClusterAsync(LocalServerContext context, string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        await FileOwnership.ChownAsync(context.DataDirectory, ServiceAccount, recursive: true, cancellationToken).ConfigureAwait(false);
        var passwordFile = Path.Combine(context.ScratchDirectory, "initdb.pw");
        await PrivateFile.WriteAsync(passwordFile, resource.PasswordParameter.Value, cancellationToken, ServiceAccount).ConfigureAwait(false);
        try
        {
            await OneShotProcess.RunAsync(
                new ProcessSpec($"{BinDirectory}/initdb",
                [
                    "-D", dataDirectory,
                    "-U", resource.UserName,
                    $"--pwfile={passwordFile}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ])
                { RunAsUser = ServiceAccount, WorkingDirectory = context.ScratchDirectory },
                TimeSpan.FromSeconds(60),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
