using Platform.Testing;
using StackExchange.Redis;

namespace Platform.BuildingBlocks.Tests;

/// <summary>One server per test class (tests that kill it start their own).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Connection = await Server.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}
