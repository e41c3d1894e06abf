using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>
/// A started host with what <c>AddServiceDefaults()</c> gives every HttpClient (the standard resilience handler and
/// service discovery), over a scripted primary handler instead of the network.
/// </summary>
internal static class ClientContainer
{
    /// <summary>Retries without waiting, so tests count attempts rather than measure time.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastRetries = new Dictionary<string, string?>
    {
        ["HttpClient:Resilience:Retry:Delay"] = "00:00:00.001",
        ["HttpClient:Resilience:Retry:UseJitter"] = "false",
    };

    public static async Task<IHost> StartAsync(
        HttpMessageHandler primary,
        IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? timeProvider = null,
        ILoggerProvider? logs = null,
        Action<HostApplicationBuilder>? configure = null)
    {
        var host = Create(primary, settings, timeProvider, logs, configure);
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    /// <summary>The host, not started (starting it validates the resilience options).</summary>
    public static IHost Create(
        HttpMessageHandler primary,
        IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? timeProvider = null,
        ILoggerProvider? logs = null,
        Action<HostApplicationBuilder>? configure = null)
    {
        // No environment variables, appsettings or OTLP endpoint of the machine: only what the test sets.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "client-tests",
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(FastRetries);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.AddServiceDefaults();
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => primary));
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static HttpClient Client(this IHost host, string name) =>
        host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
