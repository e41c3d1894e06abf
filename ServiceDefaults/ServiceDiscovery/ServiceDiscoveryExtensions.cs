using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

public static class ServiceDiscoveryExtensions
{
    /// <summary>Registers the resolver of logical service addresses (configuration "services:{name}:{scheme}:{i}").</summary>
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ServiceEndpointResolver(sp.GetRequiredService<IConfiguration>()));
        return services;
    }

    /// <summary>
    /// Lets the client (or every client, inside ConfigureHttpClientDefaults) call "http://catalog" or
    /// "https+http://catalog". Add it after the resilience handler so every retry resolves again.
    /// </summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.Services.Configure<HttpClientFactoryOptions>(builder.Name, options =>
            options.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                if (!TelemetryExporterClients.Contains(handlers.Name))
                {
                    handlers.AdditionalHandlers.Add(
                        new ServiceDiscoveryHandler(handlers.Services.GetRequiredService<ServiceEndpointResolver>()));
                }
            }));
        return builder;
    }
}
