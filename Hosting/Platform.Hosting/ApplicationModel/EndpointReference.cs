namespace Platform.Hosting.ApplicationModel;

public enum EndpointProperty
{
    Url,
    Host,
    Port,
    TargetPort,
}

/// <summary>Points at one endpoint of a resource; its values exist once the orchestrator has allocated ports.</summary>
public sealed class EndpointReference(IResourceWithEndpoints resource, string endpointName) : IValueProvider, IManifestExpressionProvider
{
    public IResourceWithEndpoints Resource { get; } = resource;

    public string EndpointName { get; } = endpointName;

    public EndpointAnnotation Annotation =>
        Resource.Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == EndpointName)
        ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'.");

    public string Host => LocalHost.Address;

    public int Port => Annotation.AllocatedPort;

    public string Url => $"{Annotation.Scheme}://{Host}:{Port}";

    public string ValueExpression => Property(EndpointProperty.Url).ValueExpression;

    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Url);
}

public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property) : IValueProvider, IManifestExpressionProvider
{
    public string ValueExpression => $"{{{endpoint.Resource.Name}.bindings.{endpoint.EndpointName}.{ManifestName}}}";

    private string ManifestName => property switch
    {
        EndpointProperty.Url => "url",
        EndpointProperty.Host => "host",
        EndpointProperty.Port => "port",
        _ => "targetPort",
    };

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(property switch
    {
        EndpointProperty.Url => endpoint.Url,
        EndpointProperty.Host => endpoint.Host,
        EndpointProperty.Port => endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => (endpoint.Annotation.TargetPort ?? endpoint.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}

/// <summary>Local runs bind every server and service to loopback only.</summary>
public static class LocalHost
{
    public const string Address = "127.0.0.1";
}
