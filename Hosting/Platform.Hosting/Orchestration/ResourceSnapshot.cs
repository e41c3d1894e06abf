namespace Platform.Hosting.Orchestration;

/// <summary>Lifecycle states, named as Aspire names them.</summary>
public static class KnownResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Unhealthy = "Unhealthy";
    public const string Exited = "Exited";
    public const string FailedToStart = "FailedToStart";
    public const string Stopping = "Stopping";
}

public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>What is known of one running instance (a server, or one replica of a project) at a moment.</summary>
public sealed record ResourceSnapshot
{
    /// <summary>Instance name: the resource name, or <c>name-i</c> for a replica of a project with several.</summary>
    public required string Name { get; init; }

    public required string ResourceName { get; init; }

    public required string ResourceType { get; init; }

    public int ReplicaIndex { get; init; }

    public string State { get; init; } = KnownResourceStates.NotStarted;

    public ResourceHealth Health { get; init; }

    public string? HealthDescription { get; init; }

    public IReadOnlyList<string> Urls { get; init; } = [];

    public IReadOnlyList<int> ProcessIds { get; init; } = [];

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    public int? ExitCode { get; init; }

    public int Restarts { get; init; }

    public bool IsHealthy => State == KnownResourceStates.Running && Health == ResourceHealth.Healthy;
}
