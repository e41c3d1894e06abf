namespace Platform.EndToEnd.Tests;

/// <summary>
/// The whole system in its own AppHost for outages longer than any retry: PostgreSQL or Redis is stopped for 30 s
/// while orders are mid-flow. Orders time out after <see cref="OrderTimeout"/> (5 minutes in production), so a test can
/// make late payments (an order cancelled by its timeout while its payment waits on a failing provider); parked
/// messages come back after 5 s instead of 15 s.
/// </summary>
public sealed class OutageFixture : IAsyncLifetime
{
    public static readonly TimeSpan OrderTimeout = TimeSpan.FromSeconds(45);

    public static readonly string[] Consumers = ["catalog", "order", "payment", "notification"];

    private PlatformApp? _app;

    public PlatformApp App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public async ValueTask InitializeAsync()
    {
        var builder = PlatformAppBuilder.Create()
            .WithEnvironment("gateway", "Gateway__RateLimit__PermitLimit", "100000")
            .WithEnvironment("gateway", "Gateway__RateLimit__Burst", "100000")
            .WithEnvironment("order", "Ordering__MaxOpenOrdersPerBuyer", "100000")
            .WithEnvironment("order", "Ordering__OrderTimeout", OrderTimeout.ToString())
            .WithEnvironment("order", "Ordering__SweepInterval", "00:00:02")
            // payments wait out a failing provider for longer than an order waits for its payment: late payments
            .WithEnvironment("payment", "Payment__GiveUpAfter", "00:05:00")
            .WithEnvironment("payment", "Payment__MaxRetryInterval", "00:00:02")
            .WithEnvironment("payment", "Payment__ReconcileInterval", "00:00:01");
        foreach (var service in Consumers)
        {
            builder = builder.WithEnvironment(service, "Messaging__ParkedMessages__FirstDelay", "00:00:05");
        }

        _app = await builder.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<OutageFixture>
{
    public const string Name = "Outage";
}
