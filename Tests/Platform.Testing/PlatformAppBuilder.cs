using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing.InMemory;

namespace Platform.Testing;

/// <summary>
/// The AppHost's own composition (<c>DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.AppHost&gt;</c>),
/// trimmed and tuned for one test suite: <see cref="Only"/> keeps the named resources and what they depend on,
/// <see cref="WithEnvironment"/> sets a setting on a service, arguments set the AppHost's own configuration
/// (<c>--Catalog:Replicas=1</c>). Nothing here composes the system a second time.
/// </summary>
public sealed class PlatformAppBuilder
{
    private readonly string[] _args;
    private readonly List<Action<IDistributedApplicationTestingBuilder>> _configure = [];
    private readonly List<(string Project, Func<ProjectResource, InMemoryRegistration> Register)> _inMemory = [];
    private string[] _only = [];
    private string? _dashboardApiKey;
    private string? _environment;
    private string? _dataDirectory;

    private PlatformAppBuilder(string[] args) => _args = args;

    public static PlatformAppBuilder Create(params string[] args) => new(args);

    /// <summary>Keeps these resources, every resource they wait for or reference, their parents and their helper
    /// processes; removes the rest (a service the test plays itself, or one it does not need).</summary>
    public PlatformAppBuilder Only(params string[] resources)
    {
        _only = resources;
        return this;
    }

    /// <summary>
    /// Runs this project in the test process (<c>WebApplicationFactory</c>, one instance per replica the AppHost declares)
    /// instead of as a process, and starts only what it needs: the servers and services it references and waits for
    /// (as <see cref="Only"/> does). It gets the configuration the AppHost would give its process, settings from
    /// <see cref="WithEnvironment"/> included; <see cref="PlatformApp"/>'s clients, health waits and logs reach it by
    /// its resource name. <typeparamref name="TServiceType"/>: any public type of the service's assembly (not <c>Program</c>: the AppHost's is public too).
    /// </summary>
    public PlatformAppBuilder InMemory<TServiceType>(string project) where TServiceType : class
    {
        _only = [.. _only, project];
        _inMemory.Add((project, resource => new InMemoryRegistration(resource,
            (instanceId, settings, log) => new InMemoryService<TServiceType>(instanceId, settings, log))));
        return this;
    }

    public PlatformAppBuilder WithEnvironment(string resource, string name, string value) =>
        Configure(builder => builder.CreateResourceBuilder(builder.Resources.Single(r => r.Name == resource) as IResourceWithEnvironment
            ?? throw new ArgumentException($"{resource} takes no environment.", nameof(resource))).WithEnvironment(name, value));

    /// <summary>Runs the Aspire dashboard (the testing builder leaves it off), its telemetry API behind a key of its own
    /// (<see cref="PlatformApp.Dashboard"/>).</summary>
    public PlatformAppBuilder WithDashboard()
    {
        _dashboardApiKey = Guid.NewGuid().ToString("N");
        return this;
    }

    /// <summary>The AppHost's own environment (the testing builder's default is Development, in which Aspire gives
    /// services development-only telemetry settings: every trace sampled, exports every second).</summary>
    public PlatformAppBuilder InEnvironment(string environment)
    {
        _environment = environment;
        return this;
    }

    /// <summary>Where the servers keep their data volumes (<c>LocalServers:VolumeRoot</c>): a test that restarts the
    /// AppHost on the same data names one it owns. By default each app gets an empty directory of its own, removed when
    /// it stops, so no test sees another's data or a developer's.</summary>
    public PlatformAppBuilder WithDataIn(string directory)
    {
        _dataDirectory = directory;
        return this;
    }

    public PlatformAppBuilder Configure(Action<IDistributedApplicationTestingBuilder> configure)
    {
        _configure.Add(configure);
        return this;
    }

    public async Task<PlatformApp> StartAsync(TimeSpan? startupTimeout = null, CancellationToken cancellationToken = default)
    {
        // The testing builder's defaults put the dashboard on proxied random ports (DcpPublisher:RandomizePorts).
        string[] dashboard = _dashboardApiKey is null ? [] : [$"--AppHost:DashboardApiKey={_dashboardApiKey}"];
        var ownData = _dataDirectory is null ? DataDirectory.Create().FullName : null;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. _args, .. dashboard, "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true", $"--LocalServers:VolumeRoot={_dataDirectory ?? ownData}"],
            (options, settings) =>
            {
                options.DisableDashboard = _dashboardApiKey is null;
                settings.EnvironmentName = _environment ?? settings.EnvironmentName;
            },
            cancellationToken).ConfigureAwait(false);

        // Resource logs are kept by the app (PlatformApp.Logs); echoing them all to the test output drowns it.
        builder.Services.AddLogging(logging => logging.AddFilter("AppHost.Resources", LogLevel.None).AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        if (_only.Length > 0)
        {
            Trim(builder, _only);
        }

        if (_dashboardApiKey is null)
        {
            // Without the dashboard nothing receives telemetry, yet Aspire still hands every project an OTLP endpoint;
            // exporting into the void costs each service its exporter's timeouts when it stops. Export nothing instead.
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
            }
        }

        foreach (var configure in _configure)
        {
            configure(builder);
        }

        // taken out of the model after every setting reached them: DCP starts no process for them
        var inMemory = _inMemory.Select(m => m.Register(builder.Resources.OfType<ProjectResource>().Single(p => p.Name == m.Project))).ToList();
        foreach (var registration in inMemory)
        {
            builder.Resources.Remove(registration.Project);
            foreach (var helper in builder.Resources.Where(r => r.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Any(a => a.Type == "Parent" && a.Resource == registration.Project)).ToList())
            {
                builder.Resources.Remove(helper);
            }
        }

        var app = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
        var platform = new PlatformApp(app, _dashboardApiKey, inMemory, ownData);
        try
        {
            await platform.StartAsync(startupTimeout ?? TimeSpan.FromMinutes(3), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // what the services said before it went wrong, so a failed start explains itself in the test's output
            var said = string.Join('\n', platform.Resources.OfType<ProjectResource>().Select(project => project.Name).Concat(platform.FailedInstanceIds())
                .SelectMany(resource => platform.Logs(resource).TakeLast(15).Select(line => $"{resource}: {line.Text}")));
            await platform.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The AppHost did not start: {ex.Message}\nLast lines of its services and of what failed:\n{said}", ex);
        }

        return platform;
    }

    /// <summary>
    /// Keeps the named resources, what they wait for (and that in turn), their parents and the helpers that run them;
    /// removes the rest. A reference alone does not keep a resource: a kept resource's setting that names a removed one
    /// (identity's redirect address on the gateway, say) is dropped, or DCP would wait for an endpoint nobody allocates.
    /// </summary>
    private static void Trim(IDistributedApplicationTestingBuilder builder, string[] only)
    {
        var keep = new HashSet<IResource>();
        var pending = new Stack<IResource>(only.Select(name => builder.Resources.SingleOrDefault(r => r.Name == name)
            ?? throw new ArgumentException($"The AppHost has no resource '{name}'.", nameof(only))));
        while (pending.TryPop(out var resource))
        {
            if (!keep.Add(resource))
            {
                continue;
            }

            var needs = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource);
            if (resource is IResourceWithParent child)
            {
                needs = needs.Append(child.Parent);
            }

            foreach (var need in needs)
            {
                pending.Push(need);
            }
        }

        // What runs a kept resource (a local server's processes, a project's rebuilder) goes with it; other children
        // (a database's owner role) only when something kept waits for them.
        foreach (var helper in builder.Resources.Where(r => r is ExecutableResource && r.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Any(a => a.Type == "Parent" && keep.Contains(a.Resource))).ToList())
        {
            keep.Add(helper);
        }

        var removed = builder.Resources.Where(r => r is not ParameterResource && !keep.Contains(r)).ToHashSet();
        foreach (var resource in removed)
        {
            builder.Resources.Remove(resource);
        }

        foreach (var resource in builder.Resources)
        {
            DropSettingsNaming(resource, removed);
        }
    }

    private static void DropSettingsNaming(IResource resource, HashSet<IResource> removed)
    {
        var callbacks = resource.Annotations.OfType<EnvironmentCallbackAnnotation>().ToList();
        if (callbacks.Count == 0)
        {
            return;
        }

        foreach (var callback in callbacks)
        {
            resource.Annotations.Remove(callback);
        }

        resource.Annotations.Add(new EnvironmentCallbackAnnotation(async context =>
        {
            foreach (var callback in callbacks)
            {
                await callback.Callback(context).ConfigureAwait(false);
            }

            foreach (var name in context.EnvironmentVariables.Where(v => Names(v.Value, removed, 0)).Select(v => v.Key).ToList())
            {
                context.EnvironmentVariables.Remove(name);
            }
        }));
    }

    private static bool Names(object? value, HashSet<IResource> removed, int depth) => depth <= 8 && value switch
    {
        IResource resource when removed.Contains(resource) => true,
        EndpointReference endpoint => removed.Contains(endpoint.Resource),
        EndpointReferenceExpression expression => removed.Contains(expression.Endpoint.Resource),
        IValueWithReferences withReferences => withReferences.References.Any(r => Names(r, removed, depth + 1)),
        _ => false,
    };
}
