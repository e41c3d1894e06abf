using System.Collections.Immutable;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.LocalServers;

/// <summary>
/// Runs one of Aspire's server resources (Redis, PostgreSQL, RabbitMQ) as a local process, in run mode, while it stays
/// the real resource: same type, connection string, <c>X_HOST</c>-style variables, health check, <c>WaitFor</c> and
/// manifest. A child executable <c>&lt;name&gt;-server</c> runs the binary under DCP; the real resource loses its
/// container image before DCP reads the model (so DCP makes no container of it), gets its endpoint pinned to a loopback
/// port, and mirrors the child's state, logs and commands. See docs/hosting.md.
/// </summary>
internal sealed class LocalServerHost
{
    private readonly LocalServer _server;
    private readonly IResourceBuilder<ExecutableResource> _child;
    private readonly List<IResourceBuilder<ExecutableResource>> _helpers = [];
    private readonly string _runDirectory;
    private ServerDirectories? _directories;
    private bool _started;

    private LocalServerHost(IDistributedApplicationBuilder builder, LocalServer server)
    {
        _server = server;
        _runDirectory = RunDirectoryOf(builder);
        var name = server.Resource.Name;

        foreach (var helper in server.Helpers)
        {
            _helpers.Add(builder.AddExecutable($"{name}-{helper.NameSuffix}", helper.Command, _runDirectory, [.. helper.Arguments])
                .WithParentRelationship(server.Resource)
                .ExcludeFromManifest());
        }

        _child = builder.AddExecutable($"{name}-server", server.Command, _runDirectory)
            .WithArgs(context =>
            {
                foreach (var argument in server.Arguments(Directories))
                {
                    context.Args.Add(argument);
                }
            })
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in server.Environment(Directories))
                {
                    context.EnvironmentVariables[key] = value;
                }
            })
            .WithParentRelationship(server.Resource)
            .ExcludeFromManifest();
        foreach (var helper in _helpers)
        {
            _child.WaitFor(helper);
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) => OnBeforeStartAsync(e, ct));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(_child.Resource, (_, ct) => server.PrepareAsync(Directories, ct));
        builder.Eventing.Subscribe<InitializeResourceEvent>(server.Resource, (e, ct) =>
        {
            _ = Task.Run(() => MirrorChildAsync(e.Services));
            return Task.CompletedTask;
        });
        AddCommands();
    }

    private ServerDirectories Directories => _directories ?? throw new InvalidOperationException("Used before the AppHost started.");

    public static void Attach(IDistributedApplicationBuilder builder, LocalServer server) => _ = new LocalServerHost(builder, server);

    /// <summary>Before DCP reads the model: the resource stops being a container and gets a fixed loopback endpoint.</summary>
    private Task OnBeforeStartAsync(BeforeStartEvent e, CancellationToken cancellationToken)
    {
        var resource = _server.Resource;
        var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.LocalServers");
        if (_server.MissingBinaries() is { } missing)
        {
            // The child then fails to start, and the resource shows FailedToStart.
            logger.LogError("{Missing}", missing);
        }

        foreach (var image in resource.Annotations.OfType<ContainerImageAnnotation>().ToList())
        {
            resource.Annotations.Remove(image);
        }

        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            var port = endpoint.Port ?? FreePort.Next();
            endpoint.IsProxied = false;
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.TargetHost = LocalServer.Loopback;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, LocalServer.Loopback, port);
        }

        _server.Port = resource.Annotations.OfType<EndpointAnnotation>().First().Port!.Value;
        var mount = resource.Annotations.OfType<ContainerMountAnnotation>().LastOrDefault(m => _server.IsDataMount(m.Target));
        var configuration = e.Services.GetRequiredService<IConfiguration>();
        var persistent = mount switch
        {
            null => null,
            { Type: ContainerMountType.BindMount, Source: { } source } => Path.GetFullPath(source),
            { Source: { } volume } => Path.Combine(ServerDirectories.VolumeRoot(configuration), volume),
            _ => null,
        };
        if (persistent is not null && configuration.GetValue<bool>("LocalServers:Reset") && Directory.Exists(persistent))
        {
            // ./run.sh --reset: this run starts from empty servers, as `docker volume rm` would make it
            logger.LogWarning("{Resource}: removing its data ({Directory}) as LocalServers:Reset asks", resource.Name, persistent);
            Directory.Delete(persistent, recursive: true);
        }

        if (persistent is not null)
        {
            ServerDirectories.CreateVolume(persistent);
        }

        _directories = ServerDirectories.Create(_runDirectory, resource.Name, persistent);
        Directory.CreateDirectory(_directories.Scratch);
        return Task.CompletedTask;
    }

    /// <summary>The child's state, logs and health become the real resource's (and its databases').</summary>
    private async Task MirrorChildAsync(IServiceProvider services)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.LocalServers");
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var resource = _server.Resource;
        var dependents = services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<IResourceWithParent>().Where(r => r.Parent == resource && r is not ExecutableResource).Cast<IResource>().ToList();
        _ = ForwardLogsAsync(services, stopping);

        await PublishStateAsync(notifications, [resource, .. dependents], s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (change.Resource != _child.Resource || change.Snapshot.State?.Text is not { Length: > 0 } state)
                {
                    continue;
                }

                var child = change.Snapshot;
                logger.LogDebug("{Resource}: server process {State}", resource.Name, state);
                await PublishStateAsync(notifications, [resource, .. dependents], s => Unchecked(s with
                {
                    State = state,
                    StartTimeStamp = child.StartTimeStamp,
                    StopTimeStamp = child.StopTimeStamp,
                    ExitCode = child.ExitCode,
                    Urls = state == KnownResourceStates.Running ? [.. s.Urls.Select(u => u with { IsInactive = false })] : s.Urls,
                }, keep: state == KnownResourceStates.Running)).ConfigureAwait(false);

                if (state == KnownResourceStates.Running && !_started)
                {
                    _started = true;
                    await AnnounceAsync(services, dependents, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Resource}: lost track of its server process", resource.Name);
        }
    }

    /// <summary>Health reports of a run that ended say nothing about the next: a server that stopped is not known
    /// healthy until Aspire's check has seen it again (as Aspire resets a container's reports when it starts), so
    /// <c>WaitFor</c> cannot pass on a stale Healthy.</summary>
    private static CustomResourceSnapshot Unchecked(CustomResourceSnapshot snapshot, bool keep) =>
        keep ? snapshot : snapshot.WithHealthReports([.. snapshot.HealthReports.Select(r => new HealthReportSnapshot(r.Name, null, null, null))]);

    /// <summary>What DCP does for a container whose endpoints are up: health checks learn the connection string, the
    /// dashboard learns the URLs.</summary>
    private async Task AnnounceAsync(IServiceProvider services, IReadOnlyList<IResource> dependents, CancellationToken cancellationToken)
    {
        var eventing = services.GetRequiredService<Aspire.Hosting.Eventing.IDistributedApplicationEventing>();
        foreach (var resource in new[] { _server.Resource }.Concat(dependents))
        {
            await eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, services), cancellationToken).ConfigureAwait(false);
        }

        await eventing.PublishAsync(new ResourceEndpointsAllocatedEvent(_server.Resource, services), cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(_server.Resource, s => s with
        {
            Urls = [.. s.Urls.Select(u => u with { IsInactive = false })],
        }).ConfigureAwait(false);
    }

    private async Task ForwardLogsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var loggers = services.GetRequiredService<ResourceLoggerService>();
        var logger = loggers.GetLogger(_server.Resource);
        try
        {
            await foreach (var batch in loggers.WatchAsync(_child.Resource).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var line in batch)
                {
#pragma warning disable CA2254 // the server's own line, already formatted
                    logger.Log(line.IsErrorMessage ? LogLevel.Error : LogLevel.Information, "{Line}", line.Content);
#pragma warning restore CA2254
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task PublishStateAsync(ResourceNotificationService notifications, IEnumerable<IResource> resources, Func<CustomResourceSnapshot, CustomResourceSnapshot> update)
    {
        foreach (var resource in resources)
        {
            await notifications.PublishUpdateAsync(resource, update).ConfigureAwait(false);
        }
    }

    /// <summary>Start, stop and restart on the real resource act on its process, as they would on its container.</summary>
    private void AddCommands()
    {
        var resource = _server.Resource;
        foreach (var command in resource.Annotations.OfType<ResourceCommandAnnotation>()
            .Where(c => c.Name == KnownResourceCommands.StartCommand || c.Name == KnownResourceCommands.StopCommand || c.Name == KnownResourceCommands.RestartCommand).ToList())
        {
            resource.Annotations.Remove(command);
        }

        // Names, texts, icons and visibility as Aspire's own lifecycle commands, so the dashboard shows them the same way.
        Add(KnownResourceCommands.StartCommand, "Start", "Start resource", "Play", isHighlighted: true,
            state => IsStopped(state) ? ResourceCommandState.Enabled : ResourceCommandState.Hidden);
        Add(KnownResourceCommands.StopCommand, "Stop", "Stop resource", "Stop", isHighlighted: true,
            state => state == KnownResourceStates.Stopping ? ResourceCommandState.Disabled
                : IsStopped(state) || state is null || state == KnownResourceStates.Starting || state == KnownResourceStates.Waiting ? ResourceCommandState.Hidden
                : ResourceCommandState.Enabled);
        Add(KnownResourceCommands.RestartCommand, "Restart", "Restart resource", "ArrowCounterclockwise", isHighlighted: false,
            state => state == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled);

        static bool IsStopped(string? state) => KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.NotStarted;

        void Add(string name, string displayName, string description, string icon, bool isHighlighted, Func<string?, ResourceCommandState> state) =>
            resource.Annotations.Add(new ResourceCommandAnnotation(
                name,
                displayName,
                context => state(context.ResourceSnapshot.State?.Text),
                context => context.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(_child.Resource, name, context.CancellationToken),
                displayDescription: description,
                parameter: null,
                confirmationMessage: null,
                iconName: icon,
                iconVariant: IconVariant.Filled,
                isHighlighted: isHighlighted));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDistributedApplicationBuilder, string> RunDirectories = [];

    /// <summary>One scratch directory per AppHost run, shared by its servers and removed when it stops.</summary>
    internal static string RunDirectoryOf(IDistributedApplicationBuilder builder) =>
        RunDirectories.GetValue(builder, b =>
        {
            var run = ServerDirectories.CreateRunDirectory();
            b.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, _) =>
            {
                e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => ServerDirectories.RemoveRun(run));
                return Task.CompletedTask;
            });
            return run;
        });
}
