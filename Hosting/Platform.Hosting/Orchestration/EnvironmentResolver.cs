using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

/// <summary>Runs a resource's environment callbacks and turns their values into strings: real values for a run,
/// manifest expressions for publishing.</summary>
internal static class EnvironmentResolver
{
    public static async Task<Dictionary<string, object>> CollectAsync(IResource resource, DistributedApplicationExecutionContext executionContext, int replicaIndex)
    {
        var context = new EnvironmentCallbackContext(executionContext, replicaIndex);
        foreach (var annotation in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await annotation.Callback(context).ConfigureAwait(false);
        }

        return context.EnvironmentVariables;
    }

    public static async Task<Dictionary<string, string>> ResolveValuesAsync(IReadOnlyDictionary<string, object> variables, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in variables)
        {
            resolved[key] = value switch
            {
                string text => text,
                IValueProvider provider => await provider.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
                _ => value.ToString() ?? "",
            };
        }

        return resolved;
    }

    public static Dictionary<string, string> ToManifestExpressions(IReadOnlyDictionary<string, object> variables)
    {
        var expressions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in variables)
        {
            expressions[key] = value switch
            {
                string text => text,
                IManifestExpressionProvider provider => provider.ValueExpression,
                _ => value.ToString() ?? "",
            };
        }

        return expressions;
    }
}
