using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Platform.Testing;

namespace Platform.BuildingBlocks.Tests;

/// <summary>A DI container wired as a service would be (AddRedisClient + the building block), standing for one instance.</summary>
public static class TestHosts
{
    public static IHost Create(RedisServer server, Action<IHostApplicationBuilder> configure) => Create(server.ConnectionString, configure);

    public static IHost Create(string redisConnectionString, Action<IHostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redisConnectionString });
        // Aspire's client integration, as the services use it; quick to notice a dead server and to reconnect.
        builder.AddRedisClient("redis", configureOptions: o =>
        {
            o.AbortOnConnectFail = false;
            o.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast;
            o.AsyncTimeout = 2000;
            o.ReconnectRetryPolicy = new StackExchange.Redis.LinearRetry(300);
        });
        configure(builder);
        return builder.Build();
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout}: {because}");
            }

            await Task.Delay(25);
        }
    }
}
