using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Platform.Redis.Tests;

public sealed class HostingTests
{
    private static IHost Build(string? connectionString, Action<HostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (connectionString is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:cache", connectionString)]);
        }

        builder.AddRedisClient("cache", o => o.ConnectTimeout = TimeSpan.FromMilliseconds(500));
        more?.Invoke(builder);
        return builder.Build();
    }

    [Fact]
    public async Task AddRedisClient_registers_a_singleton_connection_and_a_healthy_redis_check()
    {
        await using var server = await RedisServer.StartAsync();
        using var host = Build(server.ConnectionString);
        var redis = host.Services.GetRequiredService<RedisConnection>();
        Assert.Same(redis, host.Services.GetRequiredService<RedisConnection>());
        Assert.Equal("v", (string?)await redis.EchoAsync("v"));

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, report.Entries["redis"].Status);
    }

    [Fact]
    public async Task The_app_starts_while_redis_is_down_and_the_check_reports_unhealthy()
    {
        await using var server = RedisServer.Create(); // not started
        using var host = Build(server.ConnectionString.Replace("abortConnect=false", "abortConnect=true", StringComparison.Ordinal));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var redis = host.Services.GetRequiredService<RedisConnection>();
        Assert.False(redis.IsConnected);

        var health = host.Services.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["redis"].Status);
        Assert.Contains(server.EndPoint, report.Entries["redis"].Description, StringComparison.Ordinal);

        await server.StartProcessAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(TestContext.Current.CancellationToken)).Entries["redis"].Status);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_missing_connection_string_is_reported_clearly()
    {
        using var host = Build(null);
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<RedisConnection>());
        Assert.Contains("ConnectionStrings:cache", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyed_clients_get_their_own_connection_and_check()
    {
        await using var server = await RedisServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:sessions", server.ConnectionString)]);
        builder.AddKeyedRedisClient("sessions");
        using var host = builder.Build();
        var redis = host.Services.GetRequiredKeyedService<RedisConnection>("sessions");
        Assert.Equal("v", (string?)await redis.EchoAsync("v"));
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, report.Entries["redis_sessions"].Status);
    }
}
