namespace Platform.EndToEnd.Tests;

/// <summary>One real AppHost (servers and services as processes) shared by a test collection, so the suite pays
/// the start-up once.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The payment service's <c>Payment:GiveUpAfter</c> in this suite (2 minutes in production).</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(45);

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

        // Payment deadlines short enough for a test to watch a payment wait and then give up, with the same shape as
        // production: retries every few seconds, attempts that time out before the provider's slow answers.
        var payment = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "payment");
        builder.CreateResourceBuilder(payment)
            .WithEnvironment("Payment__GiveUpAfter", GiveUpAfter.ToString())
            .WithEnvironment("Payment__MaxRetryInterval", "00:00:02")
            .WithEnvironment("HttpClient__PaymentProviderClient__Resilience__AttemptTimeout", "00:00:01.500")
            .WithEnvironment("HttpClient__PaymentProviderClient__Resilience__TotalRequestTimeout", "00:00:05");
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
