using System.Diagnostics.CodeAnalysis;

namespace Platform.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Tells a logical service address ("http://catalog", "https+http://catalog") from a real one. A host is a service
/// name when it is a single DNS label other than "localhost": IPs, "localhost" and dotted names go to DNS untouched.
/// </summary>
internal static class LogicalServiceUri
{
    public static bool TryParse(
        Uri uri, [NotNullWhen(true)] out string? serviceName, out string[] schemesByPreference)
    {
        // "https+http" lists schemes in order of preference.
        schemesByPreference = uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries);
        serviceName = null;
        if (!uri.IsAbsoluteUri || uri.HostNameType != UriHostNameType.Dns)
        {
            return false;
        }

        var host = uri.IdnHost;
        if (host.Contains('.') || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        serviceName = host;
        return true;
    }
}
