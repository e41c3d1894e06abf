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

    /// <summary>The load balancer in front of the gateway, as the fixture configures it (a loopback address of its own).</summary>
    public const string IngressAddress = "127.0.0.2";

    public PlatformApp App { get; private set; } = null!;

    public string AliceToken { get; private set; } = null!;

    public string BobToken { get; private set; } = null!;

    public string AdminToken { get; private set; } = null!;

    /// <summary>As many buyers as a test needs, each with their own token (the waiting room's tests).</summary>
    public SimulatedBuyers Buyers { get; } = new();

    public async ValueTask InitializeAsync()
    {
        App = await Buyers.Register(PlatformAppBuilder.Create("--Catalog:Replicas=1"))
            .WithEnvironment("gateway", "Gateway__RateLimit__PermitLimit", PermitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("gateway", "Gateway__RateLimit__Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("notification", "Notifications__MaxStreamsPerBuyer", "2")
            .WithEnvironment("notification", "Notifications__MaxStreamsPerReplica", "3")
            // an ingress at 127.0.0.2 (IngressAddress): X-Forwarded-For is believed from it, from nowhere else
            .WithEnvironment("gateway", "ForwardedHeaders__KnownNetworks", $"{IngressAddress}/32")
            .StartAsync(TimeSpan.FromMinutes(4));
        AliceToken = await App.UserTokenAsync("alice");
        BobToken = await App.UserTokenAsync("bob");
        AdminToken = await App.UserTokenAsync("admin");
    }

    public HttpClient Gateway(string? token = null) =>
        token is null ? App.CreateHttpClient("gateway") : App.CreateAuthorizedClient("gateway", token);

    /// <summary>The gateway as a client that waits out a 429 (the administrator's budget is shared with other tests).</summary>
    public HttpClient PatientGateway(string token)
    {
        using var address = App.CreateHttpClient("gateway");
        var client = new HttpClient(new PatientHandler()) { BaseAddress = address.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>One gateway replica, directly, over connections from <see cref="IngressAddress"/>: as the ingress reaches it.</summary>
    public HttpClient ReplicaFromIngress(int replica)
    {
        using var direct = App.CreateReplicaClient("gateway", replica);
        var port = direct.BaseAddress!.Port;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(IngressAddress), 0));
                    await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = direct.BaseAddress };
    }

    /// <summary>One gateway replica, directly (not through the AppHost's proxy), with a token.</summary>
    public HttpClient Replica(int replica, string token) => App.CreateReplicaClient("gateway", replica, token);

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
