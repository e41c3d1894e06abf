using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Testing;

/// <summary>
/// A MassTransit bus in the test process on the AppHost's RabbitMQ, configured as the services configure theirs,
/// standing in for a service the test leaves out: it publishes and sends what that service would, and its consumers
/// receive what that service would.
/// </summary>
public sealed class StandInBus : IAsyncDisposable
{
    private readonly IHost _host;

    private StandInBus(IHost host) => _host = host;

    public IPublishEndpoint Publisher => _host.Services.GetRequiredService<IPublishEndpoint>();

    public ISendEndpointProvider Sender => _host.Services.GetRequiredService<ISendEndpointProvider>();

    /// <summary>Starts the bus once its consumers' queues are bound, so nothing published afterwards misses them.</summary>
    public static async Task<StandInBus> StartAsync(PlatformApp app, Action<IBusRegistrationConfigurator> consumers, string connectionName = "messaging")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{connectionName}"] = await app.ConnectionStringAsync(connectionName).ConfigureAwait(false),
        });
        builder.AddRabbitMQMessaging(connectionName, consumers);
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new StandInBus(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
