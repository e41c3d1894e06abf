using Microsoft.Extensions.Logging;
using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

/// <summary>Drives one instance through its lifecycle: wait for dependencies, start, become healthy, stay watched.</summary>
internal abstract class InstanceRunner(IResource resource, string instanceName, int replicaIndex, OrchestratorContext context)
{
    private static readonly TimeSpan StartupProbeInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RunningProbeInterval = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private CancellationTokenSource? _runCancellation;
    private Task _monitor = Task.CompletedTask;

    public IResource Resource { get; } = resource;

    public string Name { get; } = instanceName;

    public int ReplicaIndex { get; } = replicaIndex;

    protected OrchestratorContext Context { get; } = context;

    protected List<ManagedProcess> Processes { get; } = [];

    public abstract string ResourceType { get; }

    public virtual IReadOnlyList<string> Urls => [];

    public ResourceSnapshot InitialSnapshot() => new()
    {
        Name = Name,
        ResourceName = Resource.Name,
        ResourceType = ResourceType,
        ReplicaIndex = ReplicaIndex,
        Urls = Urls,
    };

    /// <summary>Waits for what this instance depends on, then starts it; returns once it is launched.</summary>
    public async Task StartAsync(bool isRestart, CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Processes.Count > 0 || _runCancellation is not null)
            {
                return;
            }

            _runCancellation = CancellationTokenSource.CreateLinkedTokenSource(Context.ApplicationStopping);
            var token = _runCancellation.Token;
            await WaitForDependenciesAsync(token).ConfigureAwait(false);
            SetState(KnownResourceStates.Starting, ResourceHealth.Unknown, s => s with
            {
                StartedAt = DateTimeOffset.UtcNow,
                StoppedAt = null,
                ExitCode = null,
                Restarts = isRestart ? s.Restarts + 1 : s.Restarts,
            });
            try
            {
                await LaunchAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Context.Logger.LogError("{Resource} failed to start: {Message}", Name, ex.Message);
                Context.Logs.Write(Name, $"Failed to start: {ex.Message}", isError: true);
                await StopProcessesAsync().ConfigureAwait(false);
                SetState(KnownResourceStates.FailedToStart, ResourceHealth.Unhealthy, s => s with { HealthDescription = ex.Message });
                _runCancellation = null;
                return;
            }

            Context.Notifications.Update(Name, s => s with { ProcessIds = [.. Processes.Select(p => p.Id)] });
            _monitor = MonitorAsync(token);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            var cancellation = _runCancellation;
            _runCancellation = null;
            if (cancellation is null && Processes.Count == 0)
            {
                return;
            }

            SetState(KnownResourceStates.Stopping, ResourceHealth.Unknown);
            if (cancellation is not null)
            {
                await cancellation.CancelAsync().ConfigureAwait(false);
            }

            await StopProcessesAsync().ConfigureAwait(false);
            await _monitor.ConfigureAwait(false);
            cancellation?.Dispose();
            SetState(KnownResourceStates.Exited, ResourceHealth.Unknown, s => s with { StoppedAt = DateTimeOffset.UtcNow, ProcessIds = [] });
            Context.Logger.LogInformation("{Resource} stopped", Name);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    protected abstract Task LaunchAsync(CancellationToken cancellationToken);

    protected abstract Task<HealthCheckOutcome> ProbeAsync(CancellationToken cancellationToken);

    protected virtual Task OnHealthyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected async Task StartProcessAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var label = spec.DisplayName is null ? "" : $"[{spec.DisplayName}] ";
        var process = ManagedProcess.Start(spec, Context.Reaper, (line, isError) => Context.Logs.Write(Name, label + line, isError));
        Processes.Add(process);
        if (spec.ReadyPort is { } port)
        {
            await PortProbe.WaitUntilOpenAsync(port, process.Exited, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopProcessesAsync()
    {
        // Reverse order: helpers started first (epmd) go last.
        for (var i = Processes.Count - 1; i >= 0; i--)
        {
            await Processes[i].DisposeAsync().ConfigureAwait(false);
        }

        Processes.Clear();
    }

    private async Task WaitForDependenciesAsync(CancellationToken cancellationToken)
    {
        var waits = DistributedApplicationModel.Dependencies(Resource)
            .Select(d => (Resource: d, Type: Resource.Annotations.OfType<WaitAnnotation>().FirstOrDefault(w => w.Resource == d)?.WaitType ?? WaitType.WaitUntilHealthy))
            .ToList();
        if (waits.Count == 0)
        {
            return;
        }

        SetState(KnownResourceStates.Waiting, ResourceHealth.Unknown);
        foreach (var (dependency, type) in waits)
        {
            if (type == WaitType.WaitUntilHealthy)
            {
                await Context.Notifications.WaitForResourceHealthyAsync(dependency.Name, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Context.Notifications.WaitForResourceAsync(dependency.Name, s => s.State is KnownResourceStates.Running or KnownResourceStates.Unhealthy, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        var becameHealthy = false;
        var exited = Processes.Count > 0 ? Task.WhenAny(Processes.Select(p => p.Exited)) : Task.Delay(Timeout.Infinite, cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (exited.IsCompleted)
                {
                    var exitCode = Processes.FirstOrDefault(p => p.HasExited)?.Exited.Result;
                    Context.Logger.LogWarning("{Resource} exited unexpectedly (code {ExitCode})", Name, exitCode);
                    SetState(becameHealthy ? KnownResourceStates.Exited : KnownResourceStates.FailedToStart, ResourceHealth.Unhealthy,
                        s => s with { ExitCode = exitCode, StoppedAt = DateTimeOffset.UtcNow });
                    return;
                }

                using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                probeTimeout.CancelAfter(TimeSpan.FromSeconds(5));
                HealthCheckOutcome outcome;
                try
                {
                    outcome = await ProbeAsync(probeTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    outcome = HealthCheckOutcome.Unhealthy("Health probe timed out");
                }

                if (outcome.IsHealthy && !becameHealthy)
                {
                    await OnHealthyAsync(cancellationToken).ConfigureAwait(false);
                    becameHealthy = true;
                    Context.Logger.LogInformation("{Resource} is healthy {Urls}", Name, string.Join(" ", Urls));
                }

                if (becameHealthy)
                {
                    SetState(outcome.IsHealthy ? KnownResourceStates.Running : KnownResourceStates.Unhealthy,
                        outcome.IsHealthy ? ResourceHealth.Healthy : ResourceHealth.Unhealthy,
                        s => s with { HealthDescription = outcome.Description });
                }

                await Task.WhenAny(exited, Task.Delay(becameHealthy ? RunningProbeInterval : StartupProbeInterval, cancellationToken)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void SetState(string state, ResourceHealth health, Func<ResourceSnapshot, ResourceSnapshot>? more = null)
    {
        var changed = false;
        Context.Notifications.Update(Name, s =>
        {
            changed = s.State != state;
            var next = s with { State = state, Health = health };
            return more is null ? next : more(next);
        });
        if (changed && state is not KnownResourceStates.Running)
        {
            Context.Logger.LogInformation("{Resource}: {State}", Name, state);
        }
    }
}
