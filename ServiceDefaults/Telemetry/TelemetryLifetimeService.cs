using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Builds the providers in StartingAsync, which runs before any hosted service's StartAsync (so before Kestrel takes
/// its first request), and disposes them in StoppedAsync, after Kestrel has drained, so spans of the requests
/// finished while draining are still exported.
/// </summary>
internal sealed class TelemetryLifetimeService(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<PlatformTelemetryProviders>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<PlatformTelemetryProviders>().Dispose();
        return Task.CompletedTask;
    }
}
