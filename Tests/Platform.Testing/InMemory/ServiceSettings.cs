using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Testing.InMemory;

/// <summary>
/// The configuration the AppHost hands a service it did not start: every environment variable its model gives the
/// project (connection strings, service addresses, secrets, the settings a test added with
/// <see cref="PlatformAppBuilder.WithEnvironment"/>) resolved against the servers that did start, as configuration keys.
/// What points at the service's own endpoints (never allocated: nothing runs there) is left out, and the host binds none.
/// </summary>
internal static class ServiceSettings
{
    private static readonly HashSet<string> HostBindings = new(StringComparer.OrdinalIgnoreCase)
    {
        "ASPNETCORE_URLS", "HTTP_PORTS", "HTTPS_PORTS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS",
    };

    public static async Task<Dictionary<string, string?>> ResolveAsync(DistributedApplication app, ProjectResource project, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), project, variables, cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in variables)
        {
            if (HostBindings.Contains(name) || !Resolvable(value, depth: 0))
            {
                continue;
            }

            settings[name.Replace("__", ":", StringComparison.Ordinal)] = value switch
            {
                string text => text,
                IValueProvider provider => await provider.GetValueAsync(cancellationToken).ConfigureAwait(false),
                _ => value.ToString(),
            };
        }

        return settings;
    }

    /// <summary>False for a value that needs an endpoint nobody allocated (the in-memory service's own).</summary>
    private static bool Resolvable(object value, int depth) => depth > 8 || value switch
    {
        EndpointReference endpoint => endpoint.IsAllocated,
        EndpointReferenceExpression expression => expression.Endpoint.IsAllocated,
        IValueWithReferences withReferences => withReferences.References.All(r => Resolvable(r, depth + 1)),
        _ => true,
    };
}
