namespace Platform.EndToEnd.Tests;

/// <summary>The whole system as the AppHost composes it (servers and services as processes, the Aspire dashboard
/// receiving their telemetry), shared by a test collection so the suite pays the start-up once.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    /// <summary>The payment service's <c>Payment:GiveUpAfter</c> in this suite (2 minutes in production).</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(45);

    private PlatformApp? _app;

    public PlatformApp App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public async ValueTask InitializeAsync()
    {
        _app = await PlatformAppBuilder.Create()
            .WithDashboard()
            // The tests play hundreds of buyers from one loopback address, all alice at the gateway, whose per-client
            // limit (tested in Gateway.Tests) would treat them as one client. The limiter stays on, with a budget that fits.
            .WithEnvironment("gateway", "Gateway__RateLimit__PermitLimit", "100000")
            .WithEnvironment("gateway", "Gateway__RateLimit__Burst", "100000")
            // and alice holds hundreds of open orders at once (500 buyers for 100 units), over the per-buyer cap
            .WithEnvironment("order", "Ordering__MaxOpenOrdersPerBuyer", "100000")
            // and the fuzz's wrong passwords, all from this one address, must not throttle the tests' sign-ins after it
            .WithEnvironment("identity", "Identity__SignInThrottle__FailuresPerAddress", "100000")
            // Payment deadlines short enough for a test to watch a payment wait and then give up, with the same shape
            // as production: retries every few seconds, attempts that time out before the provider's slow answers.
            .WithEnvironment("payment", "Payment__GiveUpAfter", GiveUpAfter.ToString())
            .WithEnvironment("payment", "Payment__MaxRetryInterval", "00:00:02")
            .WithEnvironment("payment", "HttpClient__PaymentProviderClient__Resilience__AttemptTimeout__Timeout", "00:00:01.500")
            .WithEnvironment("payment", "HttpClient__PaymentProviderClient__Resilience__TotalRequestTimeout__Timeout", "00:00:05")
            // each retry of an undecided payment is logged (at Debug), so a test can wait for one instead of a time
            .WithEnvironment("payment", "Logging__LogLevel__Platform.Payment.IntegrationEvents.PaymentRequestedConsumer", "Debug")
            .StartAsync(cancellationToken: TestContext.Current.CancellationToken);
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
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
