namespace Platform.ServiceDefaults.ServiceDiscovery;

/// <summary>A service's endpoints by endpoint name, handed out round-robin so load spreads over every replica.</summary>
internal sealed class ServiceEndpoints(IReadOnlyDictionary<string, Uri[]> endpointsByName)
{
    private int _next = -1;

    public Uri? Next(IEnumerable<string> endpointNamesByPreference)
    {
        foreach (var name in endpointNamesByPreference)
        {
            if (endpointsByName.TryGetValue(name, out var endpoints) && endpoints.Length > 0)
            {
                // One counter per service: consecutive requests land on consecutive replicas.
                var turn = (uint)Interlocked.Increment(ref _next);
                return endpoints[turn % (uint)endpoints.Length];
            }
        }

        return null;
    }
}
