using Platform.Hosting.Orchestration;

namespace Platform.Hosting.ApplicationModel;

/// <summary>How a server resource runs on this machine: which binaries, which processes, how its health is probed.
/// It plays the part of a container image plus its health check in Aspire's model.</summary>
public interface ILocalServer
{
    IReadOnlyList<RequiredBinary> RequiredBinaries { get; }

    /// <summary>Writes configuration and data directories, then says which processes to start, in order.</summary>
    Task<IReadOnlyList<ProcessSpec>> PrepareAsync(LocalServerContext context, CancellationToken cancellationToken);

    /// <summary>Speaks the server's own protocol, as a client would.</summary>
    Task<HealthCheckOutcome> CheckHealthAsync(CancellationToken cancellationToken);
}

public sealed record RequiredBinary(string Path, string DebianPackage);

public sealed record LocalServerContext(string DataDirectory, string ScratchDirectory, bool IsPersistent);

public sealed record HealthCheckOutcome(bool IsHealthy, string? Description = null)
{
    public static HealthCheckOutcome Healthy(string? description = null) => new(true, description);

    public static HealthCheckOutcome Unhealthy(string description) => new(false, description);
}

public sealed record LocalServerAnnotation(ILocalServer Server) : IResourceAnnotation;

/// <summary>A resource with no process of its own (a database inside a server): it is initialised once its parent is
/// healthy, then probed like any other.</summary>
public sealed record ChildResourceAnnotation(
    Func<CancellationToken, Task> InitializeAsync,
    Func<CancellationToken, Task<HealthCheckOutcome>> CheckHealthAsync) : IResourceAnnotation;
