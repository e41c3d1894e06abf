using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Testing.InMemory;

namespace Platform.Testing;

/// <summary>The services the test process runs itself (<see cref="PlatformAppBuilder.InMemory{TServiceType}"/>).</summary>
public sealed partial class PlatformApp
{
    /// <summary>The instances of a service the test process runs in memory (<see cref="PlatformAppBuilder.InMemory{TServiceType}"/>),
    /// one per replica the AppHost declares.</summary>
    public IReadOnlyList<InMemoryService> InMemoryInstances(string resource) =>
        _inMemory.TryGetValue(resource, out var instances) ? instances : throw new InvalidOperationException($"{resource} does not run in memory.");

    /// <summary>Starts the service's instances in this process with the configuration the AppHost gives its process, and
    /// waits until each answers its own <c>/health</c> with Healthy.</summary>
    private async Task<IReadOnlyList<InMemoryService>> StartInMemoryAsync(InMemoryRegistration registration, CancellationToken cancellationToken)
    {
        var settings = await ServiceSettings.ResolveAsync(App, registration.Project, cancellationToken).ConfigureAwait(false);
        var replicas = registration.Project.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
        var instances = new List<InMemoryService>();
        for (var replica = 0; replica < replicas; replica++)
        {
            var instanceId = $"{registration.Project.Name}-{replica}";
            var log = _logs.GetOrAdd(instanceId, _ => new ResourceLog(registration.Project.Name, instanceId));
            instances.Add(registration.Create(instanceId, settings, log));
        }

        // the hosts start on first use; together, as the AppHost starts replicas
        await Task.WhenAll(instances.Select(instance => Task.Run(async () =>
        {
            using var client = instance.CreateClient();
            await UntilAnswersHealthyAsync(client, cancellationToken).ConfigureAwait(false);
        }, cancellationToken))).ConfigureAwait(false);
        return instances;
    }
}
