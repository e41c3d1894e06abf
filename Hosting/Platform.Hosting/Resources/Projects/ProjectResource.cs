namespace Platform.Hosting.ApplicationModel;

/// <summary>Generated for each project the AppHost references (see build/Platform.Hosting.AppHost.targets).</summary>
public interface IProjectMetadata
{
    /// <summary>Absolute path of the .csproj.</summary>
    string ProjectPath { get; }

    /// <summary>Absolute path of the built assembly, for the configuration the AppHost was built in.</summary>
    string TargetPath { get; }
}

public sealed class ProjectResource(string name, IProjectMetadata metadata)
    : Resource(name), IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
{
    public const string HttpEndpointName = "http";

    public IProjectMetadata Metadata { get; } = metadata;

    public EndpointReference GetEndpoint(string name = HttpEndpointName) => new(this, name);
}

internal sealed record ProjectPathMetadata(string ProjectPath, string TargetPath) : IProjectMetadata;
