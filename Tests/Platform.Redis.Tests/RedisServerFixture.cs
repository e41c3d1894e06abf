namespace Platform.Redis.Tests;

/// <summary>One server shared by the tests of a class that do not stop it.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public RedisConnection Connection { get; private set; } = null!;

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

    /// <summary>A key unique to the calling test.</summary>
    public static string Key(string name) => $"{name}:{Guid.NewGuid():N}";
}
