using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

/// <summary>A resource inside a server (a database): no process, created once the server is healthy.</summary>
internal sealed class ChildResourceRunner(IResource resource, ChildResourceAnnotation child, OrchestratorContext context)
    : InstanceRunner(resource, resource.Name, 0, context)
{
    public override string ResourceType => Resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal);

    protected override async Task LaunchAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await child.InitializeAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is not OperationCanceledException)
            {
                Context.Logs.Write(Name, $"Initialisation attempt {attempt} failed: {ex.Message}", isError: true);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override Task<HealthCheckOutcome> ProbeAsync(CancellationToken cancellationToken) => child.CheckHealthAsync(cancellationToken);
}
