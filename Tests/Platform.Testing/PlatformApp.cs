using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Testing.InMemory;

namespace Platform.Testing;

/// <summary>A started AppHost and the handles tests use: HTTP clients (per replica too), connection strings, resource
/// commands, states and console logs.</summary>
public sealed class PlatformApp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ResourceLog> _logs = new();
    private readonly ConcurrentBag<Task> _watchers = [];

    private readonly string? _dashboardApiKey;
    private readonly IReadOnlyList<InMemoryRegistration> _inMemoryRegistrations;
    private readonly ConcurrentDictionary<string, IReadOnlyList<InMemoryService>> _inMemory = new();

    internal PlatformApp(DistributedApplication app, string? dashboardApiKey, IReadOnlyList<InMemoryRegistration> inMemory)
    {
        App = app;
        _dashboardApiKey = dashboardApiKey;
        _inMemoryRegistrations = inMemory;
    }

    public DistributedApplication App { get; }

    /// <summary>The Aspire dashboard, when the app runs one.</summary>
    public DashboardEndpoint? Dashboard { get; private set; }

    public IServiceProvider Services => App.Services;

    public TimeSpan StartupDuration { get; private set; }

    /// <summary>The resources of the trimmed model that run (parameters are values, not resources that run).</summary>
    public IReadOnlyList<IResource> Resources =>
        [.. App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(r => r is not ParameterResource && !IsHidden(r))];

    internal async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _watchers.Add(RecordLogsAsync(_stopping.Token));
        await WithinAsync(async deadline =>
        {
            await App.StartAsync(deadline).ConfigureAwait(false);
            await Task.WhenAll(Resources.Select(r => App.ResourceNotifications.WaitForResourceHealthyAsync(r.Name, deadline))).ConfigureAwait(false);
            // a resource with replicas reads healthy as soon as one of them is: a test that calls the other one
            // directly met a refused connection (seen in CI)
            foreach (var project in Resources.OfType<ProjectResource>())
            {
                await WaitForEveryReplicaAsync(project, deadline).ConfigureAwait(false);
            }

            foreach (var registration in _inMemoryRegistrations)
            {
                _inMemory[registration.Project.Name] = await StartInMemoryAsync(registration, deadline).ConfigureAwait(false);
            }

            StartupDuration = started.Elapsed;
            if (_dashboardApiKey is not null)
            {
                Dashboard = await FindDashboardAsync(_dashboardApiKey, deadline).ConfigureAwait(false);
            }
        }, timeout, "Not every resource became healthy (and the dashboard announced its login)", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dashboard's public address and login token, from the login URL it announces.</summary>
    private async Task<DashboardEndpoint> FindDashboardAsync(string apiKey, CancellationToken cancellationToken)
    {
        var dashboard = await App.ResourceNotifications.WaitForResourceAsync("aspire-dashboard",
            e => e.Snapshot.Urls.Any(u => u.Url.Contains("/login?t=", StringComparison.Ordinal)), cancellationToken).ConfigureAwait(false);
        var login = new Uri(dashboard.Snapshot.Urls.First(u => u.Url.Contains("/login?t=", StringComparison.Ordinal)).Url);
        return new DashboardEndpoint(new Uri(login.GetLeftPart(UriPartial.Authority)), login.Query["?t=".Length..], apiKey);
    }

    public HttpClient CreateHttpClient(string resource, string endpoint = "http") =>
        _inMemory.TryGetValue(resource, out var instances) ? instances[0].CreateClient() : App.CreateHttpClient(resource, endpoint);

    /// <summary>The instances of a service the test process runs in memory (<see cref="PlatformAppBuilder.InMemory{TServiceType}"/>),
    /// one per replica the AppHost declares.</summary>
    public IReadOnlyList<InMemoryService> InMemoryInstances(string resource) =>
        _inMemory.TryGetValue(resource, out var instances) ? instances : throw new InvalidOperationException($"{resource} does not run in memory.");

    /// <summary>Starts the service's instances in this process with the configuration the AppHost gives its process, and
    /// waits until each answers its own <c>/health</c> with Healthy.</summary>
    private async Task<IReadOnlyList<InMemoryService>> StartInMemoryAsync(InMemoryRegistration registration, CancellationToken cancellationToken)
    {
        var settings = await ServiceSettings.ResolveAsync(App, registration.Project, cancellationToken).ConfigureAwait(false);
        var replicas = registration.Project.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
        var instances = new List<InMemoryService>();
        for (var replica = 0; replica < replicas; replica++)
        {
            var instanceId = $"{registration.Project.Name}-{replica}";
            var log = _logs.GetOrAdd(instanceId, _ => new ResourceLog(registration.Project.Name, instanceId));
            instances.Add(registration.Create(instanceId, settings, log));
        }

        // the hosts start on first use; together, as the AppHost starts replicas
        await Task.WhenAll(instances.Select(instance => Task.Run(async () =>
        {
            using var client = instance.CreateClient();
            while (!await AnswersHealthyAsync(client, cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken))).ConfigureAwait(false);
        return instances;
    }

    /// <summary>A client whose every call carries <paramref name="accessToken"/>.</summary>
    public HttpClient CreateAuthorizedClient(string resource, string accessToken, string endpoint = "http")
    {
        var client = CreateHttpClient(resource, endpoint);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A client of one of the demo users (alice, bob: buyers; admin: catalog administrator).</summary>
    public async Task<HttpClient> CreateUserClientAsync(string resource, string user, CancellationToken cancellationToken = default) =>
        CreateAuthorizedClient(resource, await UserTokenAsync(user, cancellationToken).ConfigureAwait(false));

    /// <summary>The <c>sub</c> of an access token (read, not validated: the services validate).</summary>
    public static string Subject(string accessToken)
    {
        var payload = accessToken.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='));
        return (string)System.Text.Json.Nodes.JsonNode.Parse(json)!["sub"]!;
    }

    /// <summary>A client for one replica, past the proxy that spreads requests over them (instances in name order).</summary>
    public HttpClient CreateReplicaClient(string resource, int replica, string? accessToken = null)
    {
        if (_inMemory.TryGetValue(resource, out var inMemory))
        {
            var inMemoryClient = inMemory[replica].CreateClient();
            if (accessToken is not null)
            {
                inMemoryClient.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
            }

            return inMemoryClient;
        }

        var instance = Instances(resource)[replica];
        var urls = instance.Snapshot.EnvironmentVariables.Single(v => v.Name == "ASPNETCORE_URLS").Value
            ?? throw new InvalidOperationException($"{instance.ResourceId} has no ASPNETCORE_URLS.");
        var client = new HttpClient { BaseAddress = new Uri(urls.Split(';')[0]) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }

        return client;
    }

    public async Task<string> ConnectionStringAsync(string resource, CancellationToken cancellationToken = default) =>
        await App.GetConnectionStringAsync(resource, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>A parameter's value as the AppHost resolved it (a generated password or secret, for instance).</summary>
    public async Task<string> ParameterValueAsync(string parameter, CancellationToken cancellationToken = default) =>
        await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == parameter)
            .GetValueAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Parameter {parameter} has no value.");

    /// <summary>An access token from the AppHost's identity service for a service client (its secret is the
    /// <c>{clientId}-client-secret</c> parameter), as the service itself would get it.</summary>
    public Task<string> ServiceTokenAsync(string clientId, string scope, CancellationToken cancellationToken = default) =>
        TokenAsync(async () => new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = await ParameterValueAsync($"{clientId}-client-secret", cancellationToken).ConfigureAwait(false),
            ["scope"] = scope,
        }, cancellationToken);

    /// <summary>An access token for one of the AppHost's demo users (password grant, Development only).</summary>
    public Task<string> UserTokenAsync(string user, CancellationToken cancellationToken = default) =>
        TokenAsync(async () => new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "platform-dev",
            ["username"] = user,
            ["password"] = await ParameterValueAsync($"{user}-password", cancellationToken).ConfigureAwait(false),
        }, cancellationToken);

    /// <summary>An access token for this token request (form fields), from the identity service.</summary>
    public Task<string> ClientTokenAsync(Dictionary<string, string> form, CancellationToken cancellationToken = default) =>
        TokenAsync(() => Task.FromResult(form), cancellationToken);

    private async Task<string> TokenAsync(Func<Task<Dictionary<string, string>>> form, CancellationToken cancellationToken)
    {
        using var identity = CreateHttpClient("identity");
        using var content = new FormUrlEncodedContent(await form().ConfigureAwait(false));
        using var response = await identity.PostAsync("/connect/token", content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The identity service refused the token request: {(int)response.StatusCode} {body}");
        }

        return (string)System.Text.Json.Nodes.JsonNode.Parse(body)!["access_token"]!;
    }

    /// <summary>The current state of each instance of a resource (replicas in name order).</summary>
    public IReadOnlyList<ResourceEvent> Instances(string resource)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        return [.. ResourceIds(model).Select(id => App.ResourceNotifications.TryGetCurrentState(id, out var e) ? e : null)
            .OfType<ResourceEvent>().OrderBy(e => e.ResourceId, StringComparer.Ordinal)];
    }

    public ResourceEvent Current(string resource) => Instances(resource).Single();

    /// <summary>The process ids of a resource's instances (for a local server: its process).</summary>
    public IReadOnlyList<int> ProcessIds(string resource)
    {
        var server = $"{resource}-server";
        var instances = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(r => r.Name == server)
            ? Instances(server)
            : Instances(resource);
        return [.. instances.SelectMany(e => e.Snapshot.Properties.Where(p => p.Name == "executable.pid"))
            .Select(p => Convert.ToInt32(p.Value, System.Globalization.CultureInfo.InvariantCulture))];
    }

    public Task StopAsync(string resource, CancellationToken cancellationToken = default) => CommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);

    public Task StartAsync(string resource, CancellationToken cancellationToken = default) => CommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);

    /// <summary>Restarts a resource as the dashboard's command does; a service running in memory is stopped and started
    /// again in this process, with the same configuration.</summary>
    public Task RestartAsync(string resource, CancellationToken cancellationToken = default) =>
        _inMemory.ContainsKey(resource)
            ? WithinAsync(async deadline =>
            {
                foreach (var instance in _inMemory[resource])
                {
                    await instance.DisposeAsync().ConfigureAwait(false);
                }

                _inMemory[resource] = await StartInMemoryAsync(_inMemoryRegistrations.Single(r => r.Project.Name == resource), deadline).ConfigureAwait(false);
            }, StateChangePatience, $"{resource} did not restart", cancellationToken)
            : CommandAsync(resource, KnownResourceCommands.RestartCommand, cancellationToken);

    /// <summary>Waits until the resource is healthy now. Aspire re-checks a healthy resource only every 30 s, so its
    /// snapshot can still say Healthy just after a dependency came back; a service's own <c>/health</c> on every replica
    /// must answer 200 too.</summary>
    public Task WaitForHealthyAsync(string resource, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WithinAsync(async deadline =>
        {
            if (_inMemory.TryGetValue(resource, out var inMemory))
            {
                foreach (var instance in inMemory)
                {
                    using var client = instance.CreateClient();
                    while (!await AnswersHealthyAsync(client, deadline).ConfigureAwait(false))
                    {
                        await Task.Delay(100, deadline).ConfigureAwait(false);
                    }
                }

                return;
            }

            // through a stop: just after a restart command the snapshot can still say Exited, which the default
            // behaviour takes for a failed start (seen in a CI-style run)
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, deadline).ConfigureAwait(false);
            if (App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource) is ProjectResource project)
            {
                await WaitForEveryReplicaAsync(project, deadline).ConfigureAwait(false);
            }
        }, timeout, $"{resource} did not become healthy", cancellationToken);

    /// <summary>Waits until every resource is healthy now (<see cref="WaitForHealthyAsync"/>), each within the timeout.</summary>
    public async Task WaitForAllHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        foreach (var resource in Resources)
        {
            await WaitForHealthyAsync(resource.Name, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until each replica the project declares (not only those that reported a state so far) reads
    /// healthy and answers its own <c>/health</c> with Healthy.</summary>
    private async Task WaitForEveryReplicaAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var replicas = project.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
        while (Instances(project.Name).Count(e => e.Snapshot.HealthStatus == HealthStatus.Healthy) < replicas)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        for (var replica = 0; replica < replicas; replica++)
        {
            using var client = CreateReplicaClient(project.Name, replica);
            while (!await AnswersHealthyAsync(client, cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> AnswersHealthyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            // 200 also means Degraded (a service that can do without a dependency for now): Healthy means all is back.
            using var response = await client.GetAsync("/health", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                && System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))?["status"]?.GetValue<string>() == "Healthy";
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>How long a resource command or a stop may take before the test fails, rather than the suite hanging
    /// (a wait without a bound once held a CI run until its time ran out, saying nothing).</summary>
    public static readonly TimeSpan StateChangePatience = TimeSpan.FromMinutes(2);

    /// <summary>Waits until the resource's process is gone (stopped, exited or killed).</summary>
    public Task WaitForStoppedAsync(string resource, CancellationToken cancellationToken = default) =>
        WithinAsync(token => App.ResourceNotifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), token),
            StateChangePatience, $"{resource} did not stop", cancellationToken);

    /// <summary>Runs <paramref name="wait"/> with a deadline (the one every wait here uses); on expiry the test fails with
    /// the state of every resource.</summary>
    private async Task WithinAsync(Func<CancellationToken, Task> wait, TimeSpan timeout, string failure, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await wait(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{failure} within {timeout}: {Describe()}");
        }
    }

    /// <summary>The console lines of a resource (all its instances) after <paramref name="afterSequence"/>, in order.</summary>
    public IReadOnlyList<ResourceLogLine> Logs(string resource, long afterSequence = 0) =>
        [.. _logs.Values.Where(l => l.Resource == resource || l.InstanceId == resource).SelectMany(l => l.Since(afterSequence)).OrderBy(l => l.Sequence)];

    /// <summary>Waits until <paramref name="count"/> console lines of the resource after <paramref name="afterSequence"/>
    /// contain <paramref name="text"/>: a test that must show something did not happen waits for the line saying what
    /// happened instead.</summary>
    public async Task WaitForLogAsync(string resource, string text, long afterSequence, TimeSpan timeout, int count = 1, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Logs(resource, afterSequence).Count(l => l.Text.Contains(text, StringComparison.Ordinal)) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{resource} did not log \"{text}\" {count} time(s) within {timeout}.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The setting that makes a service log each duplicate delivery its inboxes drop (Debug by default).</summary>
    public static readonly (string Name, string Value) InboxDropsLogged = ($"Logging__LogLevel__{Platform.Messaging.Inbox.InboxLog.Category}", "Debug");

    /// <summary>What a service logs when an inbox drops a duplicate delivery of the message (with <see cref="InboxDropsLogged"/>).</summary>
    public static string InboxDropped(string messageType, Guid messageId) => $"Dropped {messageType} {messageId}:";

    /// <summary>A mark to read <see cref="Logs"/> after: lines already seen stay before it.</summary>
    public long LogMark() => ResourceLog.LastSequence;

    public string Describe() => string.Join("; ", App.Services.GetRequiredService<DistributedApplicationModel>().Resources
        .Where(r => r is not ParameterResource)
        .SelectMany(r => ResourceIds(r).Select(id => App.ResourceNotifications.TryGetCurrentState(id, out var e)
            ? $"{id}={e.Snapshot.State?.Text}/{e.Snapshot.HealthStatus}"
            : $"{id}=?")));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);

        // the services in this process first, while the servers they talk to still run
        foreach (var instance in _inMemory.Values.SelectMany(i => i))
        {
            await instance.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        }

        // Stopping (not only disposing) runs the AppHost's shutdown as Ctrl+C does: services first, then servers. Each
        // step is bounded: a shutdown that hangs fails the suite's clean-up instead of holding the run.
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.StopAsync(patience.Token).ConfigureAwait(false);
        await App.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        await Task.WhenAll([.. _watchers]).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private Task CommandAsync(string resource, string command, CancellationToken cancellationToken) =>
        WithinAsync(async token =>
        {
            var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, token).ConfigureAwait(false);
            if (!result.Success)
            {
                throw new InvalidOperationException($"{command} on {resource} failed: {result.Message}");
            }
        }, StateChangePatience, $"{command} on {resource} did not finish", cancellationToken);

    /// <summary>Machinery (a project's rebuilder, the dashboard) that the dashboard hides too.</summary>
    private bool IsHidden(IResource resource) =>
        ResourceIds(resource).Any(id => App.ResourceNotifications.TryGetCurrentState(id, out var e) && e.Snapshot.IsHidden);

    /// <summary>Instance ids are DCP's (catalog-x7k2p for a replica), known once the resource has published a state.</summary>
    private IEnumerable<string> ResourceIds(IResource resource) =>
        _instanceIds.TryGetValue(resource.Name, out var ids) ? ids.Keys : [resource.Name];

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _instanceIds = new();

    private async Task RecordLogsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in App.ResourceNotifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                _instanceIds.GetOrAdd(change.Resource.Name, _ => new()).TryAdd(change.ResourceId, 0);
                if (change.Resource is ParameterResource || !_logs.TryAdd(change.ResourceId, new ResourceLog(change.Resource.Name, change.ResourceId)))
                {
                    continue;
                }

                var log = _logs[change.ResourceId];
                _watchers.Add(Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(change.ResourceId)
                            .WithCancellation(cancellationToken).ConfigureAwait(false))
                        {
                            log.Add(batch);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
