namespace Platform.ServiceDefaults.ServiceDiscovery;

/// <summary>A service's endpoints by scheme, handed out round-robin so load spreads over every replica.</summary>
internal sealed class ServiceEndpoints(IReadOnlyDictionary<string, Uri[]> endpointsByScheme)
{
    private int _next = -1;

    public Uri? Next(IEnumerable<string> schemesByPreference)
    {
        foreach (var scheme in schemesByPreference)
        {
            if (endpointsByScheme.TryGetValue(scheme, out var endpoints) && endpoints.Length > 0)
            {
                // One counter per service: consecutive requests land on consecutive replicas.
                var turn = (uint)Interlocked.Increment(ref _next);
                return endpoints[turn % (uint)endpoints.Length];
            }
        }

        return null;
    }
}
