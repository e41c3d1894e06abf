using Microsoft.Extensions.Configuration;
using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

/// <summary>The environment one project replica starts with: its references in Aspire's variable names, plus the
/// variables every Aspire project gets (URLs, environment name, telemetry identity and exporter).</summary>
internal static class ProjectEnvironment
{
    public static async Task<Dictionary<string, string>> BuildAsync(
        ProjectResource project,
        int replicaIndex,
        string instanceName,
        DistributedApplicationExecutionContext executionContext,
        IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var variables = await EnvironmentResolver.CollectAsync(project, executionContext, replicaIndex).ConfigureAwait(false);
        var environment = await EnvironmentResolver.ResolveValuesAsync(variables, cancellationToken).ConfigureAwait(false);
        var http = project.Annotations.OfType<EndpointAnnotation>().First(e => e.Name == ProjectResource.HttpEndpointName);
        environment["ASPNETCORE_URLS"] = $"http://{LocalHost.Address}:{http.AllocatedPorts[replicaIndex]}";
        environment.TryAdd("ASPNETCORE_ENVIRONMENT", configuration["AppHost:ProjectEnvironment"] ?? "Development");
        environment["OTEL_SERVICE_NAME"] = project.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceName}";
        if (configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            environment.TryAdd("OTEL_EXPORTER_OTLP_PROTOCOL", configuration["DOTNET_DASHBOARD_OTLP_PROTOCOL"] ?? "http/protobuf");
        }

        return environment;
    }
}
