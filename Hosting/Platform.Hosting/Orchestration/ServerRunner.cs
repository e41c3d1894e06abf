using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

internal sealed class ServerRunner(IResource resource, ILocalServer server, OrchestratorContext context)
    : InstanceRunner(resource, resource.Name, 0, context)
{
    public override string ResourceType => Resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal);

    public override IReadOnlyList<string> Urls =>
        [.. Resource.Annotations.OfType<EndpointAnnotation>().Select(e => $"{e.Scheme}://{LocalHost.Address}:{e.AllocatedPort}")];

    protected override async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var persistent = Resource.TryGetLastAnnotation<PersistentDataAnnotation>(out var volume);
        var scratch = Context.RunDirectory.For(Resource.Name);
        var data = persistent ? Context.RunDirectory.Volume(volume!.VolumeName) : Path.Combine(scratch, "data");
        Directory.CreateDirectory(data);
        var specs = await server.PrepareAsync(new LocalServerContext(data, scratch, persistent), cancellationToken).ConfigureAwait(false);
        foreach (var spec in specs)
        {
            await StartProcessAsync(spec, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task<HealthCheckOutcome> ProbeAsync(CancellationToken cancellationToken) => server.CheckHealthAsync(cancellationToken);
}
