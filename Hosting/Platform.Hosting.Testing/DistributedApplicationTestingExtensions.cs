using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Testing;

public static class DistributedApplicationTestingExtensions
{
    /// <summary>An HttpClient whose base address is the resource's endpoint (replica <paramref name="replica"/>).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string endpointName = "http", int replica = 0) =>
        new() { BaseAddress = app.GetEndpoint(resourceName, endpointName, replica) };

    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string endpointName = "http", int replica = 0)
    {
        var endpoint = app.Model.Find(resourceName).Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == endpointName)
            ?? throw new ArgumentException($"Resource '{resourceName}' has no endpoint '{endpointName}'.", nameof(endpointName));
        return new Uri($"{endpoint.Scheme}://{LocalHost.Address}:{endpoint.AllocatedPorts[replica]}");
    }

    public static async Task<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        app.Model.Find(resourceName) is IResourceWithConnectionString resource
            ? await resource.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
            : throw new ArgumentException($"Resource '{resourceName}' has no connection string.", nameof(resourceName));

    public static Task WaitForResourceHealthyAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        app.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, cancellationToken);

    public static Task StopResourceAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        app.ExecuteCommandAsync(resourceName, ResourceCommand.Stop, cancellationToken);

    public static Task StartResourceAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default) =>
        app.ExecuteCommandAsync(resourceName, ResourceCommand.Start, cancellationToken);

    /// <summary>Every process the app started that is still alive: servers, their helpers and project replicas.</summary>
    public static IReadOnlyList<int> GetProcessIds(this DistributedApplication app) =>
        [.. app.ResourceNotifications.Snapshots.SelectMany(s => s.ProcessIds)];

    public static IReadOnlyList<LogLine> GetResourceLogs(this DistributedApplication app, string instanceName) =>
        app.Services.GetRequiredService<ResourceLoggerService>().GetLines(instanceName);

    public static string GetRunDirectory(this DistributedApplication app) =>
        app.Services.GetRequiredService<ApplicationOrchestrator>().RunDirectoryPath;
}
