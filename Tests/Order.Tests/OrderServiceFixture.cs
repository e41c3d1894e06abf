using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Testing;
using Xunit;

namespace Platform.Order.Tests;

/// <summary>
/// The AppHost's order service (its timeout sweeper running every second) with what it waits for: real Redis,
/// PostgreSQL and RabbitMQ as processes and one catalog replica. A bus in the test stands in for the payment service:
/// it sends PaymentSucceeded and records RefundRequested. The orders are written straight into the order database.
/// </summary>
public sealed class OrderServiceFixture : IAsyncLifetime
{
    private IHost? _paymentStandIn;

    public PlatformApp App { get; private set; } = null!;

    public HttpClient Orders { get; private set; } = null!;

    public NpgsqlDataSource OrderDb { get; private set; } = null!;

    public static ConcurrentDictionary<Guid, ConcurrentQueue<RefundRequested>> Refunds { get; } = new();

    public ISendEndpointProvider Sender => _paymentStandIn!.Services.GetRequiredService<ISendEndpointProvider>();

    public async ValueTask InitializeAsync()
    {
        App = await PlatformAppBuilder.Create("--Catalog:Replicas=1")
            .Only("order")
            .WithEnvironment("order", "Ordering__SweepInterval", "00:00:01")
            .StartAsync(TimeSpan.FromMinutes(3));

        Orders = App.CreateHttpClient("order");
        OrderDb = NpgsqlDataSource.Create(await App.ConnectionStringAsync("orderdb"));

        var paymentStandIn = Host.CreateApplicationBuilder();
        paymentStandIn.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = await App.ConnectionStringAsync("messaging"),
        });
        paymentStandIn.AddRabbitMQMessaging("messaging", bus => bus.AddConsumer<RefundRecorder>());
        paymentStandIn.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        _paymentStandIn = paymentStandIn.Build();
        await _paymentStandIn.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_paymentStandIn is not null)
        {
            await _paymentStandIn.StopAsync();
            _paymentStandIn.Dispose();
        }

        Orders?.Dispose();
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
