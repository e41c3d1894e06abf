namespace Platform.Hosting.ApplicationModel;

public interface IResourceWithEnvironment : IResource;

public interface IResourceWithWaitSupport : IResource;

public interface IResourceWithEndpoints : IResource;

public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}

public interface IResourceWithConnectionString : IResource, IValueProvider, IManifestExpressionProvider
{
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>The configuration key the consumer reads: ConnectionStrings__{name}.</summary>
    string ConnectionStringEnvironmentVariable => $"ConnectionStrings__{Name}";

    string IManifestExpressionProvider.ValueExpression => $"{{{Name}.connectionString}}";

    ValueTask<string?> IValueProvider.GetValueAsync(CancellationToken cancellationToken) =>
        ConnectionStringExpression.GetValueAsync(cancellationToken);
}

public static class ConnectionStringExtensions
{
    public static ValueTask<string?> GetConnectionStringAsync(this IResourceWithConnectionString resource, CancellationToken cancellationToken = default) =>
        resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
}

/// <summary>A value known at run time (a port, a password).</summary>
public interface IValueProvider
{
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>The same value as the manifest writes it, e.g. <c>{cache.bindings.tcp.port}</c>.</summary>
public interface IManifestExpressionProvider
{
    string ValueExpression { get; }
}
