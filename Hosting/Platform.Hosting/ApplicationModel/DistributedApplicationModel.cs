namespace Platform.Hosting.ApplicationModel;

public sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;

    public IResource Find(string name) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No resource named '{name}'. Resources: {string.Join(", ", Resources.Select(r => r.Name))}.", nameof(name));

    /// <summary>Rejects a model that could never start: waits on unknown resources or in a cycle.</summary>
    public void Validate()
    {
        foreach (var resource in Resources)
        {
            foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
            {
                if (!Resources.Contains(wait.Resource))
                {
                    throw new InvalidOperationException($"'{resource.Name}' waits for '{wait.Resource.Name}', which is not part of the application.");
                }
            }
        }

        var visiting = new HashSet<IResource>();
        var done = new HashSet<IResource>();
        foreach (var resource in Resources)
        {
            Visit(resource, visiting, done, []);
        }
    }

    private static void Visit(IResource resource, HashSet<IResource> visiting, HashSet<IResource> done, List<string> path)
    {
        if (done.Contains(resource))
        {
            return;
        }

        path.Add(resource.Name);
        if (!visiting.Add(resource))
        {
            throw new InvalidOperationException($"Resources wait for each other in a cycle: {string.Join(" -> ", path)}.");
        }

        foreach (var dependency in Dependencies(resource))
        {
            Visit(dependency, visiting, done, path);
        }

        visiting.Remove(resource);
        done.Add(resource);
        path.RemoveAt(path.Count - 1);
    }

    public static IEnumerable<IResource> Dependencies(IResource resource)
    {
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            yield return wait.Resource;
        }

        if (resource is IResourceWithParent child)
        {
            yield return child.Parent;
        }
    }
}
