using System.Runtime.CompilerServices;
using Aspire.Hosting;
using Microsoft.Extensions.Configuration;

namespace Platform.Hosting.LocalServers.Mode;

/// <summary>
/// Decides once per AppHost whether its servers run as containers or as local processes. Configuration
/// <c>LocalServers:Mode</c> (environment <c>LocalServers__Mode</c>) says <c>Auto</c> (the default), <c>Container</c> or
/// <c>LocalProcess</c>; <c>Auto</c> asks the container runtime DCP would use whether its engine answers.
/// </summary>
internal static class ServerModeSelector
{
    public const string ConfigurationKey = "LocalServers:Mode";

    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, StrongBox<ServerMode>> Decided = [];

    public static ServerMode Resolve(IDistributedApplicationBuilder builder) =>
        Decided.GetValue(builder, b => new StrongBox<ServerMode>(Decide(
            b.Configuration[ConfigurationKey],
            () => ContainerRuntimeProbe.IsHealthy(ContainerRuntimeProbe.RuntimeName(b.Configuration))))).Value;

    /// <summary>The decision itself, apart from any machine: an explicit mode wins; <c>Auto</c> probes.</summary>
    public static ServerMode Decide(string? configured, Func<bool> containerRuntimeIsHealthy)
    {
        var mode = string.IsNullOrWhiteSpace(configured)
            ? ServerMode.Auto
            : Enum.TryParse<ServerMode>(configured.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new InvalidOperationException(
                    $"{ConfigurationKey} is '{configured}'; expected {string.Join(", ", Enum.GetNames<ServerMode>())}.");
        return mode switch
        {
            ServerMode.Auto => containerRuntimeIsHealthy() ? ServerMode.Container : ServerMode.LocalProcess,
            _ => mode,
        };
    }
}
