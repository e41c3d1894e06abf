namespace Platform.EndToEnd.Tests;

/// <summary>One real AppHost (servers and services as processes) shared by a test collection, so the suite pays
/// the start-up once.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public TimeSpan StartupDuration { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        // With the dashboard, services export telemetry over OTLP, as they do under `dotnet run`; tests read its stores.
        builder.Configuration["Dashboard:Enabled"] = "true";

        // The tests play hundreds of buyers from one loopback address; the catalog's per-client limit (tested on its own
        // in Catalog.Tests) would treat them as one client. The limiter stays on, with a budget that fits the suite.
        var catalog = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "catalog");
        builder.CreateResourceBuilder(catalog)
            .WithEnvironment("Catalog__RateLimit__PermitLimit", "100000")
            .WithEnvironment("Catalog__RateLimit__Burst", "100000");
        _app = builder.Build();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(StartupTimeout);
        try
        {
            await Task.WhenAll(_app.Model.Resources.Where(r => r is not ParameterResource)
                .Select(r => _app.WaitForResourceHealthyAsync(r.Name, timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Not every resource became healthy within {StartupTimeout}: {Describe(_app)}");
        }

        StartupDuration = started.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static string Describe(DistributedApplication app) =>
        string.Join("; ", app.ResourceNotifications.Snapshots.Select(s => $"{s.Name}={s.State}/{s.Health} {s.HealthDescription}"));
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
