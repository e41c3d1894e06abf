using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using StackExchange.Redis;

namespace Platform.Catalog.Tests;

/// <summary>
/// The AppHost's catalog, its two replicas in this process (in memory, with the configuration the AppHost gives them),
/// against what it depends on started by the AppHost: real Redis, PostgreSQL, RabbitMQ and the identity service as
/// processes. The replicas migrate and seed the empty database themselves on start.
/// </summary>
public class CatalogAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private PlatformApp? _app;

    public PlatformApp App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>The replicas as the catalog's administrator calls them (her token may write; reads need none).</summary>
    public HttpClient Replica0 { get; private set; } = null!;

    public HttpClient Replica1 { get; private set; } = null!;

    public HttpClient AnonymousReplica0 { get; private set; } = null!;

    /// <summary>A buyer's token (alice): may read, may not write.</summary>
    public HttpClient BuyerReplica0 { get; private set; } = null!;

    /// <summary>The replicas as the order service calls them: with its token (scope catalog.internal).</summary>
    public HttpClient ServiceReplica0 { get; private set; } = null!;

    public HttpClient ServiceReplica1 { get; private set; } = null!;

    public string DatabaseConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    /// <summary>The catalog cache's own Redis (it evicts); <see cref="RedisConnectionString"/> is the shared one.</summary>
    public string CacheRedisConnectionString { get; private set; } = "";

    protected virtual string[] AppHostArgs => [];

    public virtual async ValueTask InitializeAsync()
    {
        _app = await PlatformAppBuilder.Create(AppHostArgs)
            .InMemory<CatalogItem>("catalog")
            .WithEnvironment("catalog", "Catalog__WarmUp__Count", "100")
            .StartAsync(StartupTimeout);

        var admin = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await _app.UserTokenAsync("admin"));
        Replica0 = _app.CreateReplicaClient("catalog", 0);
        Replica0.DefaultRequestHeaders.Authorization = admin;
        Replica1 = _app.CreateReplicaClient("catalog", 1);
        Replica1.DefaultRequestHeaders.Authorization = admin;
        AnonymousReplica0 = _app.CreateReplicaClient("catalog", 0);
        BuyerReplica0 = _app.CreateReplicaClient("catalog", 0);
        BuyerReplica0.DefaultRequestHeaders.Authorization = new("Bearer", await _app.UserTokenAsync("alice"));
        // the order service's own token, for the internal endpoints
        var serviceToken = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await _app.ServiceTokenAsync("order", "catalog.internal"));
        ServiceReplica0 = _app.CreateReplicaClient("catalog", 0);
        ServiceReplica0.DefaultRequestHeaders.Authorization = serviceToken;
        ServiceReplica1 = _app.CreateReplicaClient("catalog", 1);
        ServiceReplica1.DefaultRequestHeaders.Authorization = serviceToken;
        DatabaseConnectionString = await _app.ConnectionStringAsync("catalogdb");
        RedisConnectionString = await _app.ConnectionStringAsync("cache");
        CacheRedisConnectionString = await _app.ConnectionStringAsync("catalog-cache");
    }

    public virtual async ValueTask DisposeAsync()
    {
        Replica0?.Dispose();
        Replica1?.Dispose();
        AnonymousReplica0?.Dispose();
        BuyerReplica0?.Dispose();
        ServiceReplica0?.Dispose();
        ServiceReplica1?.Dispose();
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

    public async Task<IConnectionMultiplexer> ConnectRedisAsync() => await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);

    /// <summary>One replica's log lines (as <see cref="Replica0"/> and <see cref="Replica1"/>).</summary>
    public string Logs(int replica) => string.Join('\n', App.Logs(App.InMemoryInstances("catalog")[replica].InstanceId).Select(l => l.Text));
}

/// <summary>
/// Shared by the API, write and inventory tests. A bus in the test stands in for the order service: it publishes
/// OrderSubmitted and StockReleaseRequested as the order flow does, and records the catalog's StockReserved and
/// StockRejected answers.
/// </summary>
public sealed class CatalogFixture : CatalogAppFixture
{
    private StandInBus? _orderStandIn;

    public static ConcurrentDictionary<Guid, ConcurrentQueue<object>> StockAnswers { get; } = new();

    public IPublishEndpoint Publisher => _orderStandIn!.Publisher;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _orderStandIn = await StandInBus.StartAsync(App, bus => bus.AddConsumer<StockAnswerRecorder>());
    }

    public override async ValueTask DisposeAsync()
    {
        if (_orderStandIn is not null)
        {
            await _orderStandIn.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>Waits for the catalog's first <paramref name="count"/> answers about the order.</summary>
    public static async Task<List<object>> StockAnswersAsync(Guid orderId, int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!StockAnswers.TryGetValue(orderId, out var answers) || answers.Count < count)
        {
            await Task.Delay(50, deadline.Token);
        }

        return [.. StockAnswers[orderId]];
    }

    /// <summary>Records StockReserved and StockRejected as the order service would receive them.</summary>
    public sealed class StockAnswerRecorder : IConsumer<StockReserved>, IConsumer<StockRejected>
    {
        public Task Consume(ConsumeContext<StockReserved> context) => Record(context.Message.OrderId, context.Message);

        public Task Consume(ConsumeContext<StockRejected> context) => Record(context.Message.OrderId, context.Message);

        private static Task Record(Guid orderId, object answer)
        {
            StockAnswers.GetOrAdd(orderId, _ => new()).Enqueue(answer);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Its own servers: these tests stop Redis and PostgreSQL, which empties the cache's Redis (it keeps nothing
/// on disk) under the other tests' feet.</summary>
public sealed class DegradationFixture : CatalogAppFixture
{
}

/// <summary>Its own servers: the cache's Redis may hold only 4 MB.</summary>
public sealed class CacheBoundFixture : CatalogAppFixture
{
    public const int MaxMemoryBytes = 4 * 1024 * 1024;

    protected override string[] AppHostArgs => [$"--Redis:CatalogCache:MaxMemory={MaxMemoryBytes}"];
}

[CollectionDefinition(Name)]
public sealed class CacheBoundCollection : ICollectionFixture<CacheBoundFixture>
{
    public const string Name = "CacheBound";
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
