using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting;

/// <summary>The built application: in run mode it starts every resource and keeps them until shutdown;
/// in publish mode it writes the manifest and exits.</summary>
public sealed class DistributedApplication(IHost host) : IHost, IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public DistributedApplicationModel Model => Services.GetRequiredService<DistributedApplicationModel>();

    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => new DistributedApplicationBuilder(new() { Args = args });

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) => new DistributedApplicationBuilder(options);

    public Task StartAsync(CancellationToken cancellationToken = default) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => host.StopAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken = default) => host.RunAsync(cancellationToken);

    /// <summary>Runs until Ctrl+C; a missing prerequisite ends it with one clear line instead of a stack trace.</summary>
    public void Run()
    {
        try
        {
            host.Run();
        }
        catch (DistributedApplicationException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Environment.ExitCode = 1;
        }
    }

    /// <summary>Stop, start or restart one resource while the rest keep running.</summary>
    public Task ExecuteCommandAsync(string resourceName, ResourceCommand command, CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<ApplicationOrchestrator>().ExecuteCommandAsync(resourceName, command, cancellationToken);

    public void Dispose() => host.Dispose();

    public async ValueTask DisposeAsync()
    {
        // Stopping first makes disposal end every child process, whether or not the caller stopped the app.
        await host.StopAsync().ConfigureAwait(false);
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host.Dispose();
        }
    }
}

public enum ResourceCommand
{
    Stop,
    Start,
    Restart,
}
