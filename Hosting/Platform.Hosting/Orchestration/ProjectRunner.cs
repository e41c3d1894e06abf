using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

/// <summary>One replica of a project, run from its built assembly with the environment its references produce.</summary>
internal sealed class ProjectRunner(ProjectResource project, int replicaIndex, int replicaCount, OrchestratorContext context, HttpClient probeClient)
    : InstanceRunner(project, replicaCount == 1 ? project.Name : $"{project.Name}-{replicaIndex}", replicaIndex, context)
{
    public override string ResourceType => "Project";

    public override IReadOnlyList<string> Urls =>
        [.. project.Annotations.OfType<EndpointAnnotation>().Select(e => $"{e.Scheme}://{LocalHost.Address}:{e.AllocatedPorts[ReplicaIndex]}")];

    protected override async Task LaunchAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(project.Metadata.TargetPath))
        {
            throw new FileNotFoundException($"'{project.Metadata.TargetPath}' does not exist: build the AppHost (dotnet build) so its projects are built too.");
        }

        var environment = await ProjectEnvironment.BuildAsync(project, ReplicaIndex, Name, Context.ExecutionContext, Context.Configuration, cancellationToken).ConfigureAwait(false);
        await StartProcessAsync(new ProcessSpec(DotnetHost, [project.Metadata.TargetPath])
        {
            WorkingDirectory = Path.GetDirectoryName(project.Metadata.ProjectPath),
            Environment = environment,
        }, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<HealthCheckOutcome> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!project.TryGetLastAnnotation<HttpHealthCheckAnnotation>(out var check))
        {
            return await PortOpenAsync(cancellationToken).ConfigureAwait(false);
        }

        var endpoint = project.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == check.EndpointName);
        try
        {
            using var response = await probeClient.GetAsync($"{endpoint.Scheme}://{LocalHost.Address}:{endpoint.AllocatedPorts[ReplicaIndex]}{check.Path}", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckOutcome.Healthy($"{check.Path} answered {(int)response.StatusCode}")
                : HealthCheckOutcome.Unhealthy($"{check.Path} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckOutcome.Unhealthy(ex.Message);
        }
    }

    private async Task<HealthCheckOutcome> PortOpenAsync(CancellationToken cancellationToken)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            var port = project.Annotations.OfType<EndpointAnnotation>().First().AllocatedPorts[ReplicaIndex];
            await client.ConnectAsync(LocalHost.Address, port, cancellationToken).ConfigureAwait(false);
            return HealthCheckOutcome.Healthy("Port open");
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            return HealthCheckOutcome.Unhealthy(ex.Message);
        }
    }

    // `dotnet run` sets DOTNET_HOST_PATH; otherwise the dotnet on PATH runs the built assembly.
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
