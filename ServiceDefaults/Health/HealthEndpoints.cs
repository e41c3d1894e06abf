namespace Platform.ServiceDefaults.Health;

public static class HealthEndpoints
{
    /// <summary>Readiness: every registered check (Redis, PostgreSQL, RabbitMQ...).</summary>
    public const string ReadinessPath = "/health";

    /// <summary>Liveness: only the checks tagged <see cref="LiveTag"/>; answers as long as the process does.</summary>
    public const string LivenessPath = "/alive";

    public const string LiveTag = "live";

    /// <summary>Configuration switch; the endpoints are mapped in every environment unless this is false.</summary>
    public const string EnabledKey = "HealthChecks:Enabled";

    /// <summary>Paths whose requests are kept out of traces.</summary>
    public static IReadOnlyCollection<string> Paths { get; } = [ReadinessPath, LivenessPath];
}
