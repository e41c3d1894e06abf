namespace Platform.Hosting.ApplicationModel;

/// <summary>A network endpoint of a resource. <see cref="TargetPort"/> is the port inside a container (manifest);
/// <see cref="AllocatedPort"/> is the loopback port chosen for this run.</summary>
public sealed class EndpointAnnotation(string name, string scheme, int? targetPort = null) : IResourceAnnotation
{
    public string Name { get; } = name;

    public string Scheme { get; } = scheme;

    public int? TargetPort { get; } = targetPort;

    public bool IsExternal { get; set; }

    public string Transport => Scheme is "http" or "https" ? "http" : "tcp";

    /// <summary>One port per replica, assigned by the orchestrator before anything starts.</summary>
    public List<int> AllocatedPorts { get; } = [];

    public int AllocatedPort => AllocatedPorts.Count > 0
        ? AllocatedPorts[0]
        : throw new InvalidOperationException($"Endpoint '{Name}' has no port yet: ports are allocated when the application starts.");
}

public sealed record EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> Callback) : IResourceAnnotation;

public sealed class EnvironmentCallbackContext(DistributedApplicationExecutionContext executionContext, int replicaIndex = 0)
{
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    public int ReplicaIndex { get; } = replicaIndex;

    /// <summary>Values are strings, <see cref="ReferenceExpression"/>s or other <see cref="IValueProvider"/>s.</summary>
    public Dictionary<string, object> EnvironmentVariables { get; } = new(StringComparer.Ordinal);
}

public enum WaitType
{
    WaitUntilHealthy,
    WaitUntilStarted,
}

public sealed record WaitAnnotation(IResource Resource, WaitType WaitType) : IResourceAnnotation;

public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;

/// <summary>Readiness of a project, probed over HTTP on each replica.</summary>
public sealed record HttpHealthCheckAnnotation(string Path, string EndpointName) : IResourceAnnotation;

/// <summary>The container image the manifest names for a resource that runs here as a local process.</summary>
public sealed record ContainerImageAnnotation(string Image, string Tag, string Registry = "docker.io") : IResourceAnnotation
{
    public string FullName => $"{Registry}/{Image}:{Tag}";
}

/// <summary>How the official image is told what the local process gets from its config files: entrypoint, arguments
/// and environment (values may be parameters, written as manifest expressions).</summary>
public sealed record ContainerRuntimeAnnotation(IReadOnlyDictionary<string, object> Environment, string? Entrypoint = null, IReadOnlyList<string>? Args = null, string? DataPath = null) : IResourceAnnotation;

/// <summary>Keeps a server's data across runs, like a named container volume.</summary>
public sealed record PersistentDataAnnotation(string VolumeName) : IResourceAnnotation;

/// <summary>A resource that references another (connection string or service endpoints).</summary>
public sealed record ResourceRelationshipAnnotation(IResource Resource, string Type) : IResourceAnnotation;
