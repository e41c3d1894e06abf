using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>A DI container with the HttpClient defaults ServiceDefaults installs, over a scripted primary handler.</summary>
internal static class ClientContainer
{
    /// <summary>Retries without waiting, so tests count attempts rather than measure time.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastRetries = new Dictionary<string, string?>
    {
        ["HttpClient:Resilience:Retry:BaseDelay"] = "00:00:00.001",
        ["HttpClient:Resilience:Retry:UseJitter"] = "false",
    };

    public static ServiceProvider Build(
        HttpMessageHandler primary,
        IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? timeProvider = null,
        ILoggerProvider? logs = null,
        Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(FastRetries)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
            http.ConfigurePrimaryHttpMessageHandler(() => primary);
        });
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static HttpClient Client(this IServiceProvider services, string name) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
