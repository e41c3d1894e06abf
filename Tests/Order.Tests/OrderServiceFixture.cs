using System.Collections.Concurrent;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Testing;
using Xunit;

namespace Platform.Order.Tests;

/// <summary>
/// The AppHost's order service in this process (its timeout sweeper running every second), with what it waits for
/// started by the AppHost: real Redis, PostgreSQL and RabbitMQ as processes, the identity service and one catalog replica. A bus in the test stands in for the payment service:
/// it sends PaymentSucceeded and records RefundRequested. The orders are written straight into the order database,
/// as alice's; the API is called with alice's and bob's tokens from the AppHost's identity service.
/// </summary>
public sealed class OrderServiceFixture : IAsyncLifetime
{
    private StandInBus? _paymentStandIn;

    public PlatformApp App { get; private set; } = null!;

    /// <summary>Alice's client (a buyer's token).</summary>
    public HttpClient Orders { get; private set; } = null!;

    /// <summary>Alice's buyer id: her token's subject.</summary>
    public string AliceId { get; private set; } = null!;

    /// <summary>Bob's client: another buyer.</summary>
    public HttpClient BobOrders { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>Buyers without an account, each new: for a test whose counts another test's orders must not touch.</summary>
    public SimulatedBuyers Buyers { get; } = new();

    public NpgsqlDataSource OrderDb { get; private set; } = null!;

    public static ConcurrentDictionary<Guid, ConcurrentQueue<RefundRequested>> Refunds { get; } = new();

    public ISendEndpointProvider Sender => _paymentStandIn!.Sender;

    public async ValueTask InitializeAsync()
    {
        App = await Buyers.Register(PlatformAppBuilder.Create("--Catalog:Replicas=1"))
            .InMemory<Platform.Order.Model.Order>("order")
            .WithEnvironment("order", "Ordering__SweepInterval", "00:00:01")
            .WithEnvironment("order", PlatformApp.InboxDropsLogged.Name, PlatformApp.InboxDropsLogged.Value)
            .StartAsync(TimeSpan.FromMinutes(3));

        var alice = await App.UserTokenAsync("alice");
        AliceId = PlatformApp.Subject(alice);
        Orders = App.CreateAuthorizedClient("order", alice);
        BobOrders = await App.CreateUserClientAsync("order", "bob");
        Anonymous = App.CreateHttpClient("order");
        OrderDb = NpgsqlDataSource.Create(await App.ConnectionStringAsync("orderdb"));

        _paymentStandIn = await StandInBus.StartAsync(App, bus => bus.AddConsumer<RefundRecorder>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_paymentStandIn is not null)
        {
            await _paymentStandIn.DisposeAsync();
        }

        Orders?.Dispose();
        BobOrders?.Dispose();
        Anonymous?.Dispose();
        if (OrderDb is not null)
        {
            await OrderDb.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>Records RefundRequested as the payment service would receive it.</summary>
    public sealed class RefundRecorder : IConsumer<RefundRequested>
    {
        public Task Consume(ConsumeContext<RefundRequested> context)
        {
            Refunds.GetOrAdd(context.Message.OrderId, _ => new()).Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OrderServiceCollection : ICollectionFixture<OrderServiceFixture>
{
    public const string Name = "Order service";
}
