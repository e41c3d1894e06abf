using Platform.Testing;
using Xunit;

namespace Platform.Gateway.Tests;

/// <summary>
/// The whole system behind the AppHost's gateway (two replicas), reached only as the internet would reach it: through
/// the gateway, with tokens from the identity service. The per-user limit is low here so a test can exhaust it.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const int PermitsPerSecond = 10;
    public const int Burst = 20;

    public PlatformApp App { get; private set; } = null!;

    public string AliceToken { get; private set; } = null!;

    public string BobToken { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await PlatformAppBuilder.Create("--Catalog:Replicas=1")
            .WithEnvironment("gateway", "Gateway__RateLimit__PermitLimit", PermitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("gateway", "Gateway__RateLimit__Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("notification", "Notifications__MaxStreamsPerBuyer", "2")
            .StartAsync(TimeSpan.FromMinutes(4));
        AliceToken = await App.UserTokenAsync("alice");
        BobToken = await App.UserTokenAsync("bob");
        AdminToken = await App.UserTokenAsync("admin");
    }

    public HttpClient Gateway(string? token = null) =>
        token is null ? App.CreateHttpClient("gateway") : App.CreateAuthorizedClient("gateway", token);

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "Gateway";
}
