using System.Reflection;
using Aspire.Hosting;

namespace Platform.Hosting.HealthGates;

/// <summary>
/// Aspire re-checks an unhealthy resource after 1 s, 2 s, … 5 s (a step of 1 s per failure), so each <c>WaitFor</c> hop
/// costs seconds after the dependency is actually up, and the system's cold start is a chain of such hops. The step is
/// an internal property of Aspire's health check service; this sets it. A guard test
/// (Tests/Platform.Hosting.Tests) fails if an Aspire upgrade renames it; until then start-up is only slower.
/// </summary>
internal static class HealthRecheckCadence
{
    internal const string ServiceTypeName = "Aspire.Hosting.Health.ResourceHealthCheckService";
    internal const string StepPropertyName = "NonHealthyHealthCheckStepInterval";

    /// <summary>Sets the step on the running service; false when this Aspire version has no such property.</summary>
    public static bool TrySetUnhealthyStep(IServiceProvider services, TimeSpan step)
    {
        var type = typeof(DistributedApplication).Assembly.GetType(ServiceTypeName);
        var property = type?.GetProperty(StepPropertyName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (type is null || property?.PropertyType != typeof(TimeSpan) || services.GetService(type) is not { } service)
        {
            return false;
        }

        property.SetValue(service, step);
        return true;
    }
}
