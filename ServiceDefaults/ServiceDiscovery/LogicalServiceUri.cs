using System.Diagnostics.CodeAnalysis;

namespace Platform.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Tells a logical service address from a real one, and which configured endpoints it may use:
/// "http://catalog" → the "http" endpoints; "https+http://catalog" → "https", else "http";
/// "http://_grpc.catalog" → the endpoint named "grpc" (Aspire's syntax for a named endpoint).
/// A host is a service name when it is a single DNS label other than "localhost": IPs, "localhost" and dotted
/// names go to DNS untouched.
/// </summary>
internal static class LogicalServiceUri
{
    public static bool TryParse(
        Uri uri, [NotNullWhen(true)] out string? serviceName, out string[] endpointNamesByPreference)
    {
        var schemes = uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries);
        endpointNamesByPreference = schemes;
        serviceName = null;
        // A leading underscore is not valid DNS, so "_grpc.catalog" parses as a Basic host.
        if (!uri.IsAbsoluteUri || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.Basic))
        {
            return false;
        }

        var host = uri.IdnHost;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (host.StartsWith('_') && dot > 1 && dot == host.LastIndexOf('.') && dot < host.Length - 1)
        {
            endpointNamesByPreference = [host[1..dot]];
            serviceName = host[(dot + 1)..];
            return true;
        }

        if (dot >= 0 || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        serviceName = host;
        return true;
    }
}
