using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Shutdown;

/// <summary>
/// DCP stops every resource at once when the AppHost stops, so a service shuts down while its broker and database are
/// already going: its bus waits on a broker that is gone, outlives DCP's grace period and is killed, in-flight work is
/// cut short, and the .NET runtime's diagnostic files of the killed processes stay in /tmp. Stopping the projects first,
/// while the servers they use still answer, lets each shut down cleanly; DCP then stops the servers.
/// </summary>
internal static class OrderedShutdown
{
    public static void Register(IServiceProvider services, DistributedApplicationModel model, TimeSpan patience)
    {
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() =>
        {
            // Blocking here is the point: the host's own shutdown (DCP's teardown) waits until the projects are down.
            var stopped = StopProjectsAsync(services, model).Wait(patience);
            if (!stopped)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.Shutdown")
                    .LogWarning("Services still stopping after {Patience}; DCP stops the rest now.", patience);
            }
        });
    }

    private static async Task StopProjectsAsync(IServiceProvider services, DistributedApplicationModel model)
    {
        var commands = services.GetRequiredService<ResourceCommandService>();
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var projects = model.Resources.OfType<ProjectResource>().ToList();
        await Task.WhenAll(projects.Select(async project =>
        {
            try
            {
                await commands.ExecuteCommandAsync(project, KnownResourceCommands.StopCommand, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                // Not started, or already going: nothing to wait for.
            }
        })).ConfigureAwait(false);
        await Task.WhenAll(projects.Select(project => notifications.WaitForResourceAsync(project.Name,
            e => e.Snapshot.State?.Text is not { } state || KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.NotStarted,
            CancellationToken.None))).ConfigureAwait(false);
    }
}
