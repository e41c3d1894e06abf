using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Dashboard.Otlp;

namespace Platform.Dashboard.Tests;

/// <summary>The dashboard server on its own (no orchestrator, no resources): its OTLP receiver and stores, its auth.
/// One per test class, on free loopback ports.</summary>
public sealed class StandaloneDashboard : IAsyncLifetime
{
    private ServiceProvider? _services;

    public DashboardServer Server => _services!.GetRequiredService<DashboardServer>();

    public DashboardSettings Settings => _services!.GetRequiredService<DashboardSettings>();

    public TraceStore Traces => _services!.GetRequiredService<TraceStore>();

    public LogStore Logs => _services!.GetRequiredService<LogStore>();

    public MetricStore Metrics => _services!.GetRequiredService<MetricStore>();

    public Uri OtlpUri(string path) => new($"{Settings.OtlpEndpointUrl}{path}");

    public async ValueTask InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AppHost:Testing"] = "true" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ResourceNotificationService>();
        services.AddSingleton<ResourceLoggerService>();
        services.AddSingleton(new DashboardSettings
        {
            ListenAddress = IPAddress.Loopback,
            Port = FreePort(),
            OtlpPort = FreePort(),
            OtlpGrpcPort = FreePort(),
            BrowserToken = "test-token-" + Guid.NewGuid().ToString("N"),
        });
        services.AddSingleton(new TraceStore());
        services.AddSingleton(new LogStore());
        services.AddSingleton(new MetricStore());
        services.AddSingleton<OtlpIngestion>();
        services.AddSingleton<OtlpHttpReceiver>();
        services.AddSingleton<DashboardServer>();
        _services = services.BuildServiceProvider();
        await Server.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await Server.StopAsync(CancellationToken.None);
            await _services.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
