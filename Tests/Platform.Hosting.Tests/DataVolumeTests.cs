using Npgsql;
using Platform.Testing;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Platform.Hosting.Tests;

/// <summary>
/// The servers keep their data in the AppHost's data volumes (directories kept across runs where they run as local
/// processes): a restarted AppHost finds rows, keys and queued messages as it left them, with the same generated
/// passwords, and <c>LocalServers:Reset</c> (<c>./run.sh --reset</c>) starts it from empty. A server without a volume
/// (the catalog's cache) keeps its data with the run only.
/// </summary>
public sealed class DataVolumeTests : IDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(3);
    private readonly TemporaryDirectory _volumes = new();
    private readonly string _marker = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_restarted_AppHost_keeps_the_state_Redis_PostgreSQL_and_RabbitMQ_data_and_reset_empties_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var first = await Servers().StartAsync(StartPatience, ct))
        {
            await using var postgres = await OpenPostgresAsync(first, ct);
            await using (var create = new NpgsqlCommand("CREATE TABLE kept (marker text); INSERT INTO kept VALUES (@marker)", postgres))
            {
                create.Parameters.AddWithValue("marker", _marker);
                await create.ExecuteNonQueryAsync(ct);
            }

            await using var redis = await ConnectRedisAsync(first, "cache", ct);
            Assert.True(await redis.GetDatabase().StringSetAsync($"kept:{_marker}", "1", TimeSpan.FromHours(1)));
            Assert.StartsWith(_volumes.Path, await DataDirectoryAsync(redis));
            await using var cache = await ConnectRedisAsync(first, "catalog-cache", ct);
            Assert.True(await cache.GetDatabase().StringSetAsync($"kept:{_marker}", "1", TimeSpan.FromHours(1)));
            Assert.DoesNotContain(_volumes.Path, await DataDirectoryAsync(cache));

            await using var broker = await OpenBrokerAsync(first, ct);
            await using var channel = await broker.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            await channel.QueueDeclareAsync($"kept-{_marker}", durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
            await channel.BasicPublishAsync("", $"kept-{_marker}", mandatory: true, new BasicProperties { Persistent = true }, "kept"u8.ToArray(), ct);
        }

        await using (var second = await Servers().StartAsync(StartPatience, ct))
        {
            Assert.Equal([_marker], await KeptRowsAsync(second, ct) ?? []);
            await using var redis = await ConnectRedisAsync(second, "cache", ct);
            Assert.Equal("1", (string?)await redis.GetDatabase().StringGetAsync($"kept:{_marker}"));
            Assert.Equal(1u, await QueuedMessagesAsync(second, ct));
            await using var cache = await ConnectRedisAsync(second, "catalog-cache", ct);
            Assert.False(await cache.GetDatabase().KeyExistsAsync($"kept:{_marker}"));
        }

        await using (var reset = await Servers("--LocalServers:Reset=true").StartAsync(StartPatience, ct))
        {
            Assert.Null(await KeptRowsAsync(reset, ct));
            await using var redis = await ConnectRedisAsync(reset, "cache", ct);
            Assert.False(await redis.GetDatabase().KeyExistsAsync($"kept:{_marker}"));
            Assert.Null(await QueuedMessagesAsync(reset, ct));
        }
    }

    public void Dispose() => _volumes.Dispose();

    private PlatformAppBuilder Servers(params string[] args) =>
        PlatformAppBuilder.Create(args).Only("postgres", "cache", "catalog-cache", "messaging").WithDataIn(_volumes.Path);

    /// <summary>Admin mode: the test reads the server's configuration.</summary>
    private static async Task<ConnectionMultiplexer> ConnectRedisAsync(PlatformApp app, string name, CancellationToken ct)
    {
        var options = ConfigurationOptions.Parse(await app.ConnectionStringAsync(name, ct));
        options.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Where the primary keeps its files (Redis's <c>dir</c>).</summary>
    private static async Task<string> DataDirectoryAsync(ConnectionMultiplexer redis)
    {
        var primary = redis.GetServers().Single(s => !s.IsReplica && s.IsConnected);
        return (await primary.ConfigGetAsync("dir")).Single().Value;
    }

    private static async Task<NpgsqlConnection> OpenPostgresAsync(PlatformApp app, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(await app.ConnectionStringAsync("postgres", ct));
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>The markers in the table the first run made, or null when the table is gone.</summary>
    private static async Task<string[]?> KeptRowsAsync(PlatformApp app, CancellationToken ct)
    {
        await using var connection = await OpenPostgresAsync(app, ct);
        await using var command = new NpgsqlCommand("SELECT to_regclass('kept') IS NOT NULL", connection);
        if (await command.ExecuteScalarAsync(ct) is not true)
        {
            return null;
        }

        var rows = new List<string>();
        await using var select = new NpgsqlCommand("SELECT marker FROM kept", connection);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetString(0));
        }

        return [.. rows];
    }

    private static async Task<IConnection> OpenBrokerAsync(PlatformApp app, CancellationToken ct) =>
        await new ConnectionFactory { Uri = new Uri(await app.ConnectionStringAsync("messaging", ct)) }.CreateConnectionAsync(ct);

    /// <summary>The messages waiting in the queue the first run made, or null when the queue is gone.</summary>
    private async Task<uint?> QueuedMessagesAsync(PlatformApp app, CancellationToken ct)
    {
        await using var broker = await OpenBrokerAsync(app, ct);
        await using var channel = await broker.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await channel.QueueDeclarePassiveAsync($"kept-{_marker}", ct)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }
}
