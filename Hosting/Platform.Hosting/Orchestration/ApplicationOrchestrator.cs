using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

/// <summary>Runs the model: allocates ports, starts every resource once what it waits for is healthy, and stops
/// everything (dependents first) on shutdown.</summary>
public sealed class ApplicationOrchestrator(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    RunDirectory runDirectory,
    DistributedApplicationExecutionContext executionContext,
    IConfiguration configuration,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Platform.Hosting");
    private readonly List<InstanceRunner> _runners = [];
    private readonly HttpClient _probeClient = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource _stopping = new();
    private ProcessReaper? _reaper;
    private bool _stopped;

    public string RunDirectoryPath => runDirectory.Path;

    /// <summary>PID of the process that cleans up if the AppHost dies without stopping.</summary>
    public int? ReaperProcessId => _reaper?.ProcessId;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        CheckRequiredBinaries();
        var keepRunDirectory = configuration.GetValue<bool>("AppHost:KeepRunDirectory");
        _reaper = new ProcessReaper(runDirectory.Path, deleteRunDirectory: !keepRunDirectory);
        AllocatePorts();
        PersistSecretsOfVolumes();

        var context = new OrchestratorContext(notifications, logs, runDirectory, _reaper, executionContext, configuration, _logger, _stopping.Token);
        foreach (var resource in model.Resources)
        {
            _runners.AddRange(CreateRunners(resource, context));
        }

        foreach (var runner in _runners)
        {
            notifications.Publish(runner.InitialSnapshot());
        }

        _logger.LogInformation("Starting {Count} resources; run directory {RunDirectory}", _runners.Count, runDirectory.Path);
        var started = Stopwatch.StartNew();
        foreach (var runner in _runners)
        {
            _ = Task.Run(() => runner.StartAsync(isRestart: false, _stopping.Token), CancellationToken.None);
        }

        _ = ReportWhenAllHealthyAsync(started);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync().ConfigureAwait(false);

        // Dependents first, so services shut down cleanly while their servers still answer.
        foreach (var layer in StopOrder())
        {
            await Task.WhenAll(layer.Select(r => r.StopAsync())).ConfigureAwait(false);
        }

        _reaper?.Dispose();
        _reaper = null;
        _logger.LogInformation("Stopped every resource");
    }

    public async Task ExecuteCommandAsync(string resourceName, ResourceCommand command, CancellationToken cancellationToken)
    {
        var targets = _runners.Where(r => string.Equals(r.Resource.Name, resourceName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(r.Name, resourceName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (targets.Count == 0)
        {
            throw new ArgumentException($"No resource or instance named '{resourceName}'.", nameof(resourceName));
        }

        _logger.LogInformation("{Command} {Resource}", command, resourceName);
        if (command is ResourceCommand.Stop or ResourceCommand.Restart)
        {
            await Task.WhenAll(targets.Select(t => t.StopAsync())).ConfigureAwait(false);
        }

        if (command is ResourceCommand.Start or ResourceCommand.Restart)
        {
            await Task.WhenAll(targets.Select(t => t.StartAsync(isRestart: true, cancellationToken))).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _probeClient.Dispose();
        _stopping.Dispose();
    }

    private IEnumerable<InstanceRunner> CreateRunners(IResource resource, OrchestratorContext context)
    {
        if (resource.TryGetLastAnnotation<LocalServerAnnotation>(out var server))
        {
            yield return new ServerRunner(resource, server.Server, context);
        }
        else if (resource.TryGetLastAnnotation<ChildResourceAnnotation>(out var child))
        {
            yield return new ChildResourceRunner(resource, child, context);
        }
        else if (resource is ProjectResource project)
        {
            var replicas = project.GetReplicaCount();
            for (var i = 0; i < replicas; i++)
            {
                yield return new ProjectRunner(project, i, replicas, context, _probeClient);
            }
        }
    }

    private void CheckRequiredBinaries()
    {
        var missing = model.Resources
            .SelectMany(r => r.Annotations.OfType<LocalServerAnnotation>())
            .SelectMany(a => a.Server.RequiredBinaries)
            .Where(b => !File.Exists(b.Path))
            .ToList();
        if (missing.Count > 0)
        {
            var packages = string.Join(" ", missing.Select(m => m.DebianPackage).Distinct());
            throw new DistributedApplicationException(
                $"{string.Join(", ", missing.Select(m => m.Path))} not found. Install the Debian package(s): apt-get install -y --no-install-recommends {packages}");
        }
    }

    private void AllocatePorts()
    {
        foreach (var resource in model.Resources)
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                while (endpoint.AllocatedPorts.Count < resource.GetReplicaCount())
                {
                    endpoint.AllocatedPorts.Add(PortAllocator.GetFreePort());
                }
            }
        }
    }

    private void PersistSecretsOfVolumes()
    {
        foreach (var resource in model.Resources.OfType<IResourceWithConnectionString>())
        {
            if (resource.TryGetLastAnnotation<PersistentDataAnnotation>(out var volume))
            {
                foreach (var parameter in resource.ConnectionStringExpression.ValueProviders.OfType<ParameterResource>())
                {
                    parameter.PersistPath ??= Path.Combine(runDirectory.VolumesRoot, $"{volume.VolumeName}.{parameter.Name}.secret");
                }
            }
        }
    }

    private List<List<InstanceRunner>> StopOrder()
    {
        var depth = new Dictionary<IResource, int>();
        int Depth(IResource r) => depth.TryGetValue(r, out var d) ? d
            : depth[r] = DistributedApplicationModel.Dependencies(r).Select(Depth).DefaultIfEmpty(-1).Max() + 1;
        return [.. _runners.GroupBy(r => Depth(r.Resource)).OrderByDescending(g => g.Key).Select(g => g.ToList())];
    }

    private async Task ReportWhenAllHealthyAsync(Stopwatch started)
    {
        try
        {
            await Task.WhenAll(model.Resources.Where(r => _runners.Any(x => x.Resource == r))
                .Select(r => notifications.WaitForResourceHealthyAsync(r.Name, _stopping.Token))).ConfigureAwait(false);
            _logger.LogInformation("All {Count} resources healthy in {Seconds:F1} s", _runners.Count, started.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

public sealed class DistributedApplicationException(string message) : Exception(message);
