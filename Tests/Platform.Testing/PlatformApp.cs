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
public sealed partial class PlatformApp : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, ResourceLog> _logs = new();
    private readonly ConcurrentBag<Task> _watchers = [];

    private readonly string? _dashboardApiKey;
    private readonly IReadOnlyList<InMemoryRegistration> _inMemoryRegistrations;
    private readonly ConcurrentDictionary<string, IReadOnlyList<InMemoryService>> _inMemory = new();
    private readonly string? _ownDataDirectory;

    internal PlatformApp(DistributedApplication app, string? dashboardApiKey, IReadOnlyList<InMemoryRegistration> inMemory, string? ownDataDirectory)
    {
        App = app;
        _dashboardApiKey = dashboardApiKey;
        _inMemoryRegistrations = inMemory;
        _ownDataDirectory = ownDataDirectory;
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
            await Task.WhenAll(Resources.Select(r => RunsOnce(r)
                ? WaitForFinishedAsync(r.Name, deadline)
                : App.ResourceNotifications.WaitForResourceHealthyAsync(r.Name, deadline))).ConfigureAwait(false);
            // a resource with replicas reads healthy as soon as one of them is: a test that calls the other one
            // directly met a refused connection (seen in CI)
            foreach (var project in Resources.OfType<ProjectResource>().Where(p => !RunsOnce(p)))
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

    public string Describe() => string.Join("; ", App.Services.GetRequiredService<DistributedApplicationModel>().Resources
        .Where(r => r is not ParameterResource)
        .SelectMany(r => ResourceIds(r).Select(id => App.ResourceNotifications.TryGetCurrentState(id, out var e)
            ? $"{id}={e.Snapshot.State?.Text}/{e.Snapshot.HealthStatus}"
            : $"{id}=?")));

    /// <summary>The instances (hidden helpers too: a server's process) that failed to start or exited: their console
    /// lines are what explains a start that never finished.</summary>
    internal IReadOnlyList<string> FailedInstanceIds() => [.. App.Services.GetRequiredService<DistributedApplicationModel>().Resources
        .Where(r => r is not ParameterResource)
        .SelectMany(ResourceIds)
        .Where(id => App.ResourceNotifications.TryGetCurrentState(id, out var e)
            && (e.Snapshot.State?.Text == KnownResourceStates.FailedToStart || (e.Snapshot.State?.Text == KnownResourceStates.Exited && e.Snapshot.ExitCode != 0)))];

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
        if (_ownDataDirectory is not null)
        {
            Directory.Delete(_ownDataDirectory, recursive: true);
        }
    }

    /// <summary>Machinery (a project's rebuilder, the dashboard) that the dashboard hides too.</summary>
    private bool IsHidden(IResource resource) =>
        ResourceIds(resource).Any(id => App.ResourceNotifications.TryGetCurrentState(id, out var e) && e.Snapshot.IsHidden);

    /// <summary>Instance ids are DCP's (catalog-x7k2p for a replica), known once the resource has published a state.</summary>
    private IEnumerable<string> ResourceIds(IResource resource) =>
        _instanceIds.TryGetValue(resource.Name, out var ids) ? ids.Keys : [resource.Name];

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _instanceIds = new();
}
