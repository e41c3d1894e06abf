using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

public static class ServiceTokenExtensions
{
    /// <summary>This client's calls carry the service's own token with <paramref name="scope"/>.</summary>
    public static IHttpClientBuilder AddServiceToken(this IHttpClientBuilder client, string scope)
    {
        client.Services.AddHttpClient(ServiceTokens.TokenClient);
        client.Services.TryAddSingleton<ServiceTokens>();
        return client.AddHttpMessageHandler(services => new ServiceTokenHandler(services.GetRequiredService<ServiceTokens>(), scope));
    }
}
