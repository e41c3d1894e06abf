using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Platform.AppHost;

/// <summary>
/// The simulated provider's moods as dashboard commands on its resource, so a person watching the dashboard can cause
/// what the system is built to survive and see it in the traces and logs: calls answered slowly, every call failing
/// (503), the provider unreachable, and back to normal. Each command sets the provider's behaviour through its own admin
/// API with the account's key, as the tests and benchmarks do (docs/dashboard.md, "Commands").
/// </summary>
internal static class ProviderCommands
{
    private sealed record Behaviour(int LatencyMs = 0, double FailureRate = 0, double DeclineRate = 0, bool Down = false);

    private static readonly (string Name, string DisplayName, string Icon, string Description, Behaviour Behaviour)[] Moods =
    [
        ("provider-normal", "Provider: normal", "CheckmarkCircle", "Every call answered at once.", new()),
        ("provider-slow", "Provider: slow", "Clock", "Every call answered after 3 s (under the payment service's 5 s attempt timeout).", new(LatencyMs: 3000)),
        ("provider-failing", "Provider: failing", "ErrorCircle", "Every call answered 503 without effect: payments wait, retry, then the breaker opens.", new(FailureRate: 1)),
        ("provider-down", "Provider: down", "PlugDisconnected", "Unreachable: no call, replays included, is answered.", new(Down: true)),
    ];

    /// <summary>The command names, for tests that invoke them.</summary>
    public static IEnumerable<string> Names => Moods.Select(m => m.Name);

    public static IResourceBuilder<ProjectResource> WithMoodCommands(this IResourceBuilder<ProjectResource> provider, IResourceBuilder<ParameterResource> apiKey)
    {
        foreach (var (name, displayName, icon, description, behaviour) in Moods)
        {
            provider.WithCommand(name, displayName, async context =>
            {
                using var client = new HttpClient { BaseAddress = new Uri(provider.GetEndpoint("http").Url), Timeout = TimeSpan.FromSeconds(10) };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await apiKey.Resource.GetValueAsync(context.CancellationToken).ConfigureAwait(false));
                using var response = await client.PutAsJsonAsync("/admin/behaviour", behaviour, context.CancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode
                    ? CommandResults.Success()
                    : CommandResults.Failure($"The provider answered {(int)response.StatusCode}.");
            }, new CommandOptions
            {
                IconName = icon,
                Description = description,
                // only while it runs: before, there is nothing to tell
                UpdateState = state => state.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });
        }

        return provider;
    }
}
