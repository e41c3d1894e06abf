using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

public static class ResilienceHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds the standard resilience handler (total timeout, retry, circuit breaker, attempt timeout) to the client,
    /// or to every client when called inside ConfigureHttpClientDefaults. Settings: "HttpClient:Resilience" and
    /// "HttpClient:{clientName}:Resilience".
    /// </summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder)
    {
        builder.Services.AddPlatformHttpResilience();

        // Registered through HttpClientFactoryOptions rather than AddHttpMessageHandler because the handler needs
        // the client's name (its options and its circuit breaker are per client), which only the
        // HttpMessageHandlerBuilder knows when the defaults apply to every client.
        builder.Services.Configure<HttpClientFactoryOptions>(builder.Name, options =>
            options.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                if (TelemetryExporterClients.Contains(handlers.Name))
                {
                    return;
                }

                var pipelines = handlers.Services.GetRequiredService<HttpResiliencePipelineProvider>();
                handlers.AdditionalHandlers.Add(new ResilienceHandler(handlers.Name ?? Microsoft.Extensions.Options.Options.DefaultName, pipelines));
            }));
        return builder;
    }

    /// <summary>Adjusts this client's resilience settings in code, after configuration was bound.</summary>
    public static IHttpClientBuilder ConfigureResilience(this IHttpClientBuilder builder, Action<HttpResilienceOptions> configure)
    {
        builder.Services.Configure(builder.Name, configure);
        return builder;
    }

    /// <summary>The services behind the handler, without attaching it to any client.</summary>
    public static IServiceCollection AddPlatformHttpResilience(this IServiceCollection services)
    {
        services.AddOptions();
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CircuitBreakerTelemetry>();
        services.TryAddSingleton<HttpResiliencePipelineProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpResilienceOptions>, HttpResilienceOptionsSetup>(
            sp => new HttpResilienceOptionsSetup(sp.GetService<IConfiguration>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpResilienceOptions>, HttpResilienceOptionsValidator>());
        return services;
    }
}
