namespace Platform.Hosting.ApplicationModel;

/// <summary>A named part of the application; everything else about it is carried by annotations.</summary>
public interface IResource
{
    string Name { get; }

    ResourceAnnotationCollection Annotations { get; }
}

public abstract class Resource(string name) : IResource
{
    public string Name { get; } = ResourceNames.Validate(name);

    public ResourceAnnotationCollection Annotations { get; } = [];

    public override string ToString() => Name;
}

/// <summary>Marker for annotations, as in Aspire's model.</summary>
public interface IResourceAnnotation;

public sealed class ResourceAnnotationCollection : List<IResourceAnnotation>
{
    public IEnumerable<T> OfType<T>() where T : IResourceAnnotation => Enumerable.OfType<T>(this);
}

public static class ResourceExtensions
{
    public static bool TryGetLastAnnotation<T>(this IResource resource, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? annotation)
        where T : class, IResourceAnnotation
    {
        annotation = resource.Annotations.OfType<T>().LastOrDefault();
        return annotation is not null;
    }

    public static int GetReplicaCount(this IResource resource) =>
        resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;
}

internal static class ResourceNames
{
    // Names become environment-variable segments and DNS-like hostnames, so keep Aspire's rule.
    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!char.IsAsciiLetter(name[0]) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')) || name.EndsWith('-') || name.Contains("--"))
        {
            throw new ArgumentException($"Resource name '{name}' is invalid: use ASCII letters, digits and single hyphens, starting with a letter.", nameof(name));
        }

        return name;
    }
}
