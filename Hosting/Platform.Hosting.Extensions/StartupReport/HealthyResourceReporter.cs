using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.Hosting.StartupReport;

/// <summary>
/// Tells the console how the system comes up, so a newcomer sees it without opening the dashboard: one line per
/// resource (each replica) when it first becomes healthy, with its URLs, then one line when all are, with the time
/// since the AppHost process started; and one line for each that fails on the way, or the count just stops short.
/// </summary>
internal sealed class HealthyResourceReporter(TextWriter output)
{
    private readonly HashSet<string> _reported = [];
    private readonly HashSet<string> _failed = [];

    public async Task RunAsync(IServiceProvider services, DistributedApplicationModel model)
    {
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var expected = ExpectedInstances(model);
        try
        {
            await foreach (var change in services.GetRequiredService<ResourceNotificationService>().WatchAsync(stopping).ConfigureAwait(false))
            {
                if (change.Snapshot.IsHidden)
                {
                    expected.Remove(change.Resource); // the machinery (rebuilders, the dashboard), not the system
                }

                if (Failure(change) is { } failure)
                {
                    await output.WriteLineAsync(failure).ConfigureAwait(false);
                }

                if (Report(change) is { } line)
                {
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                    if (_reported.Count >= expected.Values.Sum())
                    {
                        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"All {_reported.Count} resources healthy in {elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>The line for a resource instance that has just become healthy for the first time (or, run once, has
    /// finished its work: the bootstrap), else null.</summary>
    internal string? Report(ResourceEvent change)
    {
        var snapshot = change.Snapshot;
        var healthy = snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;
        var done = snapshot.State?.Text == KnownResourceStates.Finished && snapshot.ExitCode == 0;
        if (change.Resource is ParameterResource || snapshot.IsHidden || !(healthy || done) || !_reported.Add(change.ResourceId))
        {
            return null;
        }

        // A replica goes by its own name (catalog-x7k2p); a single instance by its resource's.
        var name = ReplicaCount(change.Resource) > 1 ? change.ResourceId : change.Resource.Name;
        var urls = snapshot.Urls.Where(u => !u.IsInternal).Select(u => u.Url).ToList();
        return done ? $"{name} has finished its work" : urls.Count == 0 ? $"{name} is healthy" : $"{name} is healthy {string.Join(' ', urls)}";
    }

    /// <summary>The line for an instance (a server's hidden process too) that failed to start or ended with an error,
    /// once, else null.</summary>
    internal string? Failure(ResourceEvent change)
    {
        var snapshot = change.Snapshot;
        var state = snapshot.State?.Text;
        var ended = (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished) && snapshot.ExitCode is not null and not 0;
        if (change.Resource is ParameterResource || !(state == KnownResourceStates.FailedToStart || ended) || !_failed.Add(change.ResourceId))
        {
            return null;
        }

        return ended
            ? string.Create(CultureInfo.InvariantCulture, $"{change.ResourceId} exited with code {snapshot.ExitCode}: its console is on the dashboard")
            : $"{change.ResourceId} failed to start: its console is on the dashboard";
    }

    /// <summary>The resources that will run, with their replica counts; parameters are values, not instances.</summary>
    internal static Dictionary<IResource, int> ExpectedInstances(DistributedApplicationModel model) =>
        model.Resources.Where(r => r is not ParameterResource).ToDictionary(r => r, ReplicaCount);

    private static int ReplicaCount(IResource resource) =>
        resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;
}
