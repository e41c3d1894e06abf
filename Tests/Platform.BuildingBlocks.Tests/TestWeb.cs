using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Platform.Testing;

namespace Platform.BuildingBlocks.Tests;

/// <summary>A real Kestrel app on a free loopback port, standing for one service instance.</summary>
public sealed class TestWeb : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWeb(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestWeb> StartAsync(RedisServer redis, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:redis"] = redis.ConnectionString;
        builder.AddRedisClient("redis", configureOptions: o => { o.AbortOnConnectFail = false; o.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast; o.ReconnectRetryPolicy = new StackExchange.Redis.LinearRetry(300); });
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        return new TestWeb(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
