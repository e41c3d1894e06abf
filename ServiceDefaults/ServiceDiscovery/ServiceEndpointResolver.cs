using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Platform.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Resolves logical service addresses from configuration as Aspire's AppHost writes it:
/// services:{name}:{endpoint}:{index} = "http://localhost:5123" (environment variable services__catalog__http__0),
/// where {endpoint} is the endpoint's name: "http"/"https" for the usual ones, so it reads as a scheme.
/// Endpoints are cached per service and re-read when configuration reloads.
/// </summary>
public sealed class ServiceEndpointResolver : IDisposable
{
    public const string SectionName = "services";

    private readonly IConfiguration _configuration;
    private readonly ConcurrentDictionary<string, ServiceEndpoints> _services = new(StringComparer.OrdinalIgnoreCase);
    private readonly IDisposable _reloadSubscription;

    public ServiceEndpointResolver(IConfiguration configuration)
    {
        _configuration = configuration;
        _reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, _services.Clear);
    }

    /// <summary>
    /// The address to send a request for <paramref name="requestUri"/> to: a real host passes through, a service
    /// name becomes the next of its endpoints.
    /// </summary>
    /// <exception cref="InvalidOperationException">The service has no endpoint the URI may use.</exception>
    public Uri Resolve(Uri requestUri)
    {
        if (!LogicalServiceUri.TryParse(requestUri, out var serviceName, out var endpointNames))
        {
            // "https+http://localhost:5000" is not a service name; keep the preferred scheme so the request is valid.
            return endpointNames.Length > 1 ? WithScheme(requestUri, endpointNames[0]) : requestUri;
        }

        var endpoint = _services.GetOrAdd(serviceName, Load).Next(endpointNames)
            ?? throw new InvalidOperationException(
                $"Cannot resolve service '{serviceName}' for '{requestUri}': no endpoint configured for " +
                $"{string.Join(" or ", endpointNames.Select(s => $"'{s}'"))}. Expected configuration key " +
                $"'{SectionName}:{serviceName}:{endpointNames[0]}:0' (environment variable " +
                $"'{SectionName}__{serviceName}__{endpointNames[0]}__0'), which the AppHost sets for a referenced service.");

        return Rewrite(requestUri, endpoint);
    }

    public void Dispose() => _reloadSubscription.Dispose();

    private ServiceEndpoints Load(string serviceName)
    {
        var byName = new Dictionary<string, Uri[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpointSection in _configuration.GetSection($"{SectionName}:{serviceName}").GetChildren())
        {
            byName[endpointSection.Key] = endpointSection.GetChildren()
                .Where(entry => !string.IsNullOrWhiteSpace(entry.Value))
                .OrderBy(entry => int.TryParse(entry.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
                .ThenBy(entry => entry.Key, StringComparer.Ordinal)
                .Select(entry => ParseEndpoint(entry, endpointSection.Key))
                .ToArray();
        }

        return new ServiceEndpoints(byName);
    }

    private static Uri ParseEndpoint(IConfigurationSection entry, string endpointName)
    {
        var value = entry.Value!.Trim();
        // "localhost:5123" is accepted as well as "http://localhost:5123"; the endpoint's name gives the scheme.
        var scheme = string.Equals(endpointName, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        var candidate = value.Contains("://", StringComparison.Ordinal) ? value : $"{scheme}://{value}";
        if (Uri.TryCreate(candidate, UriKind.Absolute, out var endpoint) && !string.IsNullOrEmpty(endpoint.Host))
        {
            return endpoint;
        }

        throw new InvalidOperationException(
            $"Configuration '{entry.Path}' = '{value}' is not an endpoint address such as 'http://localhost:5123'.");
    }

    private static Uri Rewrite(Uri requestUri, Uri endpoint)
    {
        var basePath = endpoint.AbsolutePath.TrimEnd('/');
        return new Uri($"{endpoint.Scheme}://{endpoint.Authority}{basePath}{requestUri.PathAndQuery}{requestUri.Fragment}");
    }

    private static Uri WithScheme(Uri requestUri, string scheme) =>
        new($"{scheme}://{requestUri.Authority}{requestUri.PathAndQuery}{requestUri.Fragment}");
}
