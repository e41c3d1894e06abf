namespace Platform.ServiceDefaults.ServiceDiscovery;

/// <summary>Rewrites a logical service address to a concrete endpoint for one attempt.</summary>
public sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !original.IsAbsoluteUri)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        request.RequestUri = resolver.Resolve(original);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The resilience handler sits outside this one and resends the same message: restoring the logical
            // address makes each retry resolve again, and so try the next replica.
            request.RequestUri = original;
        }
    }
}
