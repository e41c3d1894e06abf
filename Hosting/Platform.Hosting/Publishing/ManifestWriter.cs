using System.Text;
using System.Text.Json;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Publishing;

/// <summary>Writes the model in Aspire's manifest format (schema aspire-8.0), so azd and aspirate can deploy it.</summary>
public static class ManifestWriter
{
    public static async Task<string> WriteAsync(DistributedApplicationModel model, string manifestDirectory, DistributedApplicationExecutionContext executionContext)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", "https://json.schemastore.org/aspire-8.0.json");
            writer.WriteStartObject("resources");
            foreach (var resource in model.Resources)
            {
                writer.WriteStartObject(resource.Name);
                await WriteResourceAsync(writer, resource, manifestDirectory, executionContext).ConfigureAwait(false);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static async Task WriteResourceAsync(Utf8JsonWriter writer, IResource resource, string manifestDirectory, DistributedApplicationExecutionContext executionContext)
    {
        switch (resource)
        {
            case ParameterResource parameter:
                WriteParameter(writer, parameter);
                break;
            case ProjectResource project:
                writer.WriteString("type", "project.v0");
                writer.WriteString("path", Path.GetRelativePath(manifestDirectory, project.Metadata.ProjectPath).Replace('\\', '/'));
                var variables = await EnvironmentResolver.CollectAsync(project, executionContext, 0).ConfigureAwait(false);
                var env = EnvironmentResolver.ToManifestExpressions(variables);
                env["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
                env["HTTP_PORTS"] = project.GetEndpoint().Property(EndpointProperty.TargetPort).ValueExpression;
                WriteEnvironment(writer, env);
                WriteBindings(writer, project);
                break;
            case IResourceWithParent and IResourceWithConnectionString value:
                writer.WriteString("type", "value.v0");
                writer.WriteString("connectionString", value.ConnectionStringExpression.ValueExpression);
                break;
            default:
                WriteContainer(writer, resource);
                break;
        }
    }

    private static void WriteContainer(Utf8JsonWriter writer, IResource resource)
    {
        if (!resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var image))
        {
            throw new InvalidOperationException($"Resource '{resource.Name}' has no container image to publish.");
        }

        writer.WriteString("type", "container.v0");
        if (resource is IResourceWithConnectionString withConnectionString)
        {
            writer.WriteString("connectionString", withConnectionString.ConnectionStringExpression.ValueExpression);
        }

        writer.WriteString("image", image.FullName);
        resource.TryGetLastAnnotation<ContainerRuntimeAnnotation>(out var runtime);
        if (runtime?.Entrypoint is { } entrypoint)
        {
            writer.WriteString("entrypoint", entrypoint);
        }

        if (runtime?.Args is { Count: > 0 } args)
        {
            writer.WriteStartArray("args");
            foreach (var arg in args)
            {
                writer.WriteStringValue(arg);
            }

            writer.WriteEndArray();
        }

        if (runtime is not null && resource.TryGetLastAnnotation<PersistentDataAnnotation>(out var volume) && runtime.DataPath is { } dataPath)
        {
            writer.WriteStartArray("volumes");
            writer.WriteStartObject();
            writer.WriteString("name", volume.VolumeName);
            writer.WriteString("target", dataPath);
            writer.WriteBoolean("readOnly", false);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        WriteEnvironment(writer, runtime is null ? [] : EnvironmentResolver.ToManifestExpressions(runtime.Environment));
        WriteBindings(writer, resource);
    }

    private static void WriteParameter(Utf8JsonWriter writer, ParameterResource parameter)
    {
        writer.WriteString("type", "parameter.v0");
        writer.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        writer.WriteStartObject("inputs");
        writer.WriteStartObject("value");
        writer.WriteString("type", "string");
        if (parameter.Secret)
        {
            writer.WriteBoolean("secret", true);
            writer.WriteStartObject("default");
            writer.WriteStartObject("generate");
            writer.WriteNumber("minLength", parameter.GeneratedLength);
            writer.WriteBoolean("special", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteEnvironment(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> env)
    {
        if (env.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("env");
        foreach (var (key, value) in env)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteBindings(Utf8JsonWriter writer, IResource resource)
    {
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
        if (endpoints.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("bindings");
        foreach (var endpoint in endpoints)
        {
            writer.WriteStartObject(endpoint.Name);
            writer.WriteString("scheme", endpoint.Scheme);
            writer.WriteString("protocol", "tcp");
            writer.WriteString("transport", endpoint.Transport);
            if (endpoint.TargetPort is { } targetPort)
            {
                writer.WriteNumber("targetPort", targetPort);
            }

            if (endpoint.IsExternal)
            {
                writer.WriteBoolean("external", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
