using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting;

public static class ResourceBuilderExtensions
{
    public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, string name, string scheme, int? targetPort = null, int? port = null)
        where T : IResourceWithEndpoints
    {
        var endpoint = new EndpointAnnotation(name, scheme, targetPort);
        if (port is { } fixedPort)
        {
            endpoint.AllocatedPorts.Add(fixedPort);
        }

        return builder.WithAnnotation(endpoint);
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            context.EnvironmentVariables[name] = value;
            return Task.CompletedTask;
        }));

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, ReferenceExpression value)
        where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            context.EnvironmentVariables[name] = value;
            return Task.CompletedTask;
        }));

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            context.EnvironmentVariables[name] = parameter.Resource;
            return Task.CompletedTask;
        }));

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback)
        where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            callback(context);
            return Task.CompletedTask;
        }));

    /// <summary>Hands the consumer <c>ConnectionStrings__{name}</c>, as Aspire does.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source, string? connectionName = null)
        where T : IResourceWithEnvironment
    {
        var resource = source.Resource;
        var key = $"ConnectionStrings__{connectionName ?? resource.Name}";
        return builder
            .WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"))
            .WithAnnotation(new EnvironmentCallbackAnnotation(context =>
            {
                // The resource itself: its value at run time, "{name.connectionString}" in the manifest.
                context.EnvironmentVariables[key] = resource;
                return Task.CompletedTask;
            }));
    }

    /// <summary>Hands the consumer <c>services__{name}__{endpoint}__{i}</c>, one entry per replica, which service
    /// discovery reads as <c>http://{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : IResourceWithEnvironment
    {
        var project = source.Resource;
        return builder
            .WithAnnotation(new ResourceRelationshipAnnotation(project, "Reference"))
            .WithAnnotation(new EnvironmentCallbackAnnotation(context =>
            {
                foreach (var endpoint in project.Annotations.OfType<EndpointAnnotation>().Where(e => e.Transport == "http"))
                {
                    if (context.ExecutionContext.IsPublishMode)
                    {
                        context.EnvironmentVariables[$"services__{project.Name}__{endpoint.Name}__0"] = new EndpointReference(project, endpoint.Name);
                        continue;
                    }

                    for (var i = 0; i < endpoint.AllocatedPorts.Count; i++)
                    {
                        context.EnvironmentVariables[$"services__{project.Name}__{endpoint.Name}__{i}"] =
                            $"{endpoint.Scheme}://{LocalHost.Address}:{endpoint.AllocatedPorts[i]}";
                    }
                }

                return Task.CompletedTask;
            }));
    }

    /// <summary>Starts this resource only once the other is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitUntilHealthy));

    public static IResourceBuilder<T> WaitForStart<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.WithAnnotation(new WaitAnnotation(dependency.Resource, WaitType.WaitUntilStarted));

    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return builder.WithAnnotation(new ReplicaAnnotation(replicas));
    }

    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health", string endpointName = "http")
        where T : IResourceWithEndpoints =>
        builder.WithAnnotation(new HttpHealthCheckAnnotation(path, endpointName));

    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithEndpoints
    {
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Transport == "http"))
        {
            endpoint.IsExternal = true;
        }

        return builder;
    }

    /// <summary>Keeps the server's data (and the generated secrets that guard it) across runs, like a named volume.</summary>
    public static IResourceBuilder<T> WithDataVolume<T>(this IResourceBuilder<T> builder, string? name = null)
        where T : IResourceWithConnectionString =>
        builder.WithAnnotation(new PersistentDataAnnotation(name ?? $"{builder.ApplicationBuilder.Environment.ApplicationName.ToLowerInvariant()}-{builder.Resource.Name}-data"));

    public static IResourceBuilder<T> WithImage<T>(this IResourceBuilder<T> builder, string image, string tag)
        where T : IResource =>
        builder.WithAnnotation(new ContainerImageAnnotation(image, tag));

    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false) =>
        builder.AddResource(new ParameterResource(name, secret));
}
