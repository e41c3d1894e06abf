using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Testing.InMemory;

namespace Platform.Testing;

/// <summary>Resources' states and the dashboard's commands on them (stop, start, restart), and the waits for a state.</summary>
public sealed partial class PlatformApp
{
    /// <summary>The current state of each instance of a resource (replicas in name order).</summary>
    public IReadOnlyList<ResourceEvent> Instances(string resource)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        return [.. ResourceIds(model).Select(id => App.ResourceNotifications.TryGetCurrentState(id, out var e) ? e : null)
            .OfType<ResourceEvent>().OrderBy(e => e.ResourceId, StringComparer.Ordinal)];
    }

    public ResourceEvent Current(string resource) => Instances(resource).Single();

    /// <summary>The process ids of a resource's instances (for a local server: its process).</summary>
    public IReadOnlyList<int> ProcessIds(string resource)
    {
        var server = $"{resource}-server";
        var instances = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(r => r.Name == server)
            ? Instances(server)
            : Instances(resource);
        return [.. instances.SelectMany(e => e.Snapshot.Properties.Where(p => p.Name == "executable.pid"))
            .Select(p => Convert.ToInt32(p.Value, System.Globalization.CultureInfo.InvariantCulture))];
    }

    public Task StopAsync(string resource, CancellationToken cancellationToken = default) => CommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);

    public Task StartAsync(string resource, CancellationToken cancellationToken = default) => CommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);

    /// <summary>Runs one of the resource's dashboard commands, as a click on it does; fails the test if the command says it failed.</summary>
    public Task ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken = default) => CommandAsync(resource, command, cancellationToken);

    /// <summary>Restarts a resource as the dashboard's command does; a service running in memory is stopped and started
    /// again in this process, with the same configuration.</summary>
    public Task RestartAsync(string resource, CancellationToken cancellationToken = default) =>
        _inMemory.ContainsKey(resource)
            ? WithinAsync(async deadline =>
            {
                foreach (var instance in _inMemory[resource])
                {
                    await instance.DisposeAsync().ConfigureAwait(false);
                }

                _inMemory[resource] = await StartInMemoryAsync(_inMemoryRegistrations.Single(r => r.Project.Name == resource), deadline).ConfigureAwait(false);
            }, StateChangePatience, $"{resource} did not restart", cancellationToken)
            : CommandAsync(resource, KnownResourceCommands.RestartCommand, cancellationToken);

    /// <summary>Waits until the resource is healthy now. Aspire re-checks a healthy resource only every 30 s, so its
    /// snapshot can still say Healthy just after a dependency came back; a service's own <c>/health</c> on every replica
    /// must answer 200 too.</summary>
    public Task WaitForHealthyAsync(string resource, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WithinAsync(async deadline =>
        {
            if (_inMemory.TryGetValue(resource, out var inMemory))
            {
                foreach (var instance in inMemory)
                {
                    using var client = instance.CreateClient();
                    await UntilAnswersHealthyAsync(client, deadline).ConfigureAwait(false);
                }

                return;
            }

            if (RunsOnce(App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource)))
            {
                await WaitForFinishedAsync(resource, deadline).ConfigureAwait(false);
                return;
            }

            // through a stop: just after a restart command the snapshot can still say Exited, which the default
            // behaviour takes for a failed start (seen in a CI-style run)
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, deadline).ConfigureAwait(false);
            if (App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource) is ProjectResource project)
            {
                await WaitForEveryReplicaAsync(project, deadline).ConfigureAwait(false);
            }
        }, timeout, $"{resource} did not become healthy", cancellationToken);

    /// <summary>Waits until every resource is healthy now (<see cref="WaitForHealthyAsync"/>), each within the timeout.</summary>
    public async Task WaitForAllHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        foreach (var resource in Resources)
        {
            await WaitForHealthyAsync(resource.Name, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A resource that others wait to see finish (the bootstrap): it is ready when it has exited with 0.</summary>
    private bool RunsOnce(IResource resource) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Any(r => r.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == resource && w.WaitType == WaitType.WaitForCompletion));

    private async Task WaitForFinishedAsync(string resource, CancellationToken cancellationToken)
    {
        var end = await App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), cancellationToken).ConfigureAwait(false);
        if (end.Snapshot.State?.Text != KnownResourceStates.Finished || end.Snapshot.ExitCode != 0)
        {
            throw new InvalidOperationException($"{resource} ended {end.Snapshot.State?.Text} with exit code {end.Snapshot.ExitCode}: "
                + string.Join('\n', Logs(resource).TakeLast(15).Select(l => l.Text)));
        }
    }

    /// <summary>Waits until each replica the project declares (not only those that reported a state so far) reads
    /// healthy and answers its own <c>/health</c> with Healthy.</summary>
    private async Task WaitForEveryReplicaAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var replicas = project.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
        while (Instances(project.Name).Count(e => e.Snapshot.HealthStatus == HealthStatus.Healthy) < replicas)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        for (var replica = 0; replica < replicas; replica++)
        {
            using var client = CreateReplicaClient(project.Name, replica);
            await UntilAnswersHealthyAsync(client, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls one instance's own <c>/health</c> until it answers Healthy (the caller bounds the wait).</summary>
    private static async Task UntilAnswersHealthyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        while (!await AnswersHealthyAsync(client, cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AnswersHealthyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            // 200 also means Degraded (a service that can do without a dependency for now): Healthy means all is back.
            using var response = await client.GetAsync("/health", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                && System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?["status"]?.GetValue<string>() == "Healthy";
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>How long a resource command or a stop may take before the test fails, rather than the suite hanging
    /// (a wait without a bound once held a CI run until its time ran out, saying nothing).</summary>
    public static readonly TimeSpan StateChangePatience = TimeSpan.FromMinutes(2);

    /// <summary>Waits until the resource's process is gone (stopped, exited or killed).</summary>
    public Task WaitForStoppedAsync(string resource, CancellationToken cancellationToken = default) =>
        WithinAsync(token => App.ResourceNotifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), token),
            StateChangePatience, $"{resource} did not stop", cancellationToken);

    private Task CommandAsync(string resource, string command, CancellationToken cancellationToken) =>
        WithinAsync(async token =>
        {
            var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, token).ConfigureAwait(false);
            if (!result.Success)
            {
                throw new InvalidOperationException($"{command} on {resource} failed: {result.Message}");
            }
        }, StateChangePatience, $"{command} on {resource} did not finish", cancellationToken);
}
