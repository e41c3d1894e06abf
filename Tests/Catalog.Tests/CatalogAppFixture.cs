using System.Text.Json;
using Npgsql;
using Platform.Redis;

namespace Platform.Catalog.Tests;

/// <summary>
/// Real Redis and PostgreSQL plus two catalog replicas as processes, started by the hosting layer (no RabbitMQ: the
/// catalog does not use it yet). The replicas migrate and seed the empty database themselves on start.
/// </summary>
public class CatalogAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(2);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>All requests come from one IP here: the shared fixtures get a limit they never reach.</summary>
    protected virtual int RateLimitPerSecond => 100_000;

    protected virtual string ApplicationName => "cat-t";

    public HttpClient Replica0 { get; private set; } = null!;

    public HttpClient Replica1 { get; private set; } = null!;

    public string DatabaseConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            // short: PostgreSQL's socket lives in the run directory and socket paths are limited to 107 bytes
            ApplicationName = ApplicationName,
            AppHostDirectory = AppContext.BaseDirectory,
            EchoResourceLogs = false,
        });
        var cache = builder.AddRedis("cache");
        var database = builder.AddPostgres("postgres").AddDatabase("catalogdb");
        builder.AddProject("catalog", new CatalogProject())
            .WithReference(cache).WaitFor(cache)
            .WithReference(database).WaitFor(database)
            .WithReplicas(2)
            .WithEnvironment("Catalog__WarmUp__Count", "100")
            .WithEnvironment("Catalog__RateLimit__PermitLimit", RateLimitPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Catalog__RateLimit__Burst", RateLimitPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpHealthCheck("/health");
        _app = builder.Build();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(StartupTimeout);
        try
        {
            await Task.WhenAll(new[] { "cache", "catalogdb", "catalog" }.Select(name => _app.WaitForResourceHealthyAsync(name, timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            var states = string.Join("; ", _app.ResourceNotifications.Snapshots.Select(s => $"{s.Name}={s.State}/{s.Health} {s.HealthDescription}"));
            throw new TimeoutException($"Not healthy within {StartupTimeout}: {states}\n--- catalog-0 ---\n{Tail(Logs(0))}\n--- catalog-1 ---\n{Tail(Logs(1))}");
        }

        Replica0 = _app.CreateHttpClient("catalog", replica: 0);
        Replica1 = _app.CreateHttpClient("catalog", replica: 1);
        DatabaseConnectionString = (await _app.GetConnectionStringAsync("catalogdb"))!;
        RedisConnectionString = (await _app.GetConnectionStringAsync("cache"))!;
    }

    public async ValueTask DisposeAsync()
    {
        Replica0?.Dispose();
        Replica1?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<string> ExplainAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }

    public Task<RedisConnection> ConnectRedisAsync() => RedisConnection.ConnectAsync(RedisConnectionString);

    public string Logs(int replica) => string.Join('\n', App.GetResourceLogs($"catalog-{replica}").Select(l => l.Text));

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    /// <summary>The catalog as built next to this test run (same configuration), run from its own output folder.</summary>
    private sealed class CatalogProject : IProjectMetadata
    {
        public CatalogProject()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Platform.slnx")))
            {
                directory = directory.Parent;
            }

            var root = directory?.FullName ?? throw new InvalidOperationException("Platform.slnx not found above the test output.");
            var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            ProjectPath = Path.Combine(root, "Services", "Catalog", "Catalog.csproj");
            TargetPath = Path.Combine(root, "Services", "Catalog", "bin", configuration, "net10.0", "Catalog.dll");
        }

        public string ProjectPath { get; }

        public string TargetPath { get; }
    }
}

/// <summary>Shared by the API, write and inventory tests.</summary>
public sealed class CatalogFixture : CatalogAppFixture;

/// <summary>Its own app: these tests stop Redis.</summary>
public sealed class DegradationFixture : CatalogAppFixture
{
    protected override string ApplicationName => "cat-d";
}

/// <summary>Its own app with a small per-client limit.</summary>
public sealed class RateLimitFixture : CatalogAppFixture
{
    public const int PermitsPerSecond = 5;

    protected override int RateLimitPerSecond => PermitsPerSecond;

    protected override string ApplicationName => "cat-r";
}

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogFixture>
{
    public const string Name = "Catalog";
}

[CollectionDefinition(Name)]
public sealed class DegradationCollection : ICollectionFixture<DegradationFixture>
{
    public const string Name = "Degradation";
}

[CollectionDefinition(Name)]
public sealed class RateLimitCollection : ICollectionFixture<RateLimitFixture>
{
    public const string Name = "RateLimit";
}
