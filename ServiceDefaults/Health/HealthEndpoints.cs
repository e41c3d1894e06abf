using Microsoft.AspNetCore.Http;

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

    /// <summary>Whether a request is a health probe, whose span is kept out of traces.</summary>
    public static bool IsProbe(PathString path) =>
        path.Equals(ReadinessPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(LivenessPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(ReadinessPath + "/", StringComparison.OrdinalIgnoreCase)
        || path.Equals(LivenessPath + "/", StringComparison.OrdinalIgnoreCase);
}
