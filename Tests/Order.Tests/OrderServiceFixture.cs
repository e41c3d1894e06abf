using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Hosting;
using Platform.Hosting.Testing;
using Xunit;

namespace Platform.Order.Tests;

/// <summary>
/// Real Redis, PostgreSQL and RabbitMQ and the order service as a process (our hosting layer), its timeout sweeper
/// running every second; a bus in the test stands in for the payment service: it sends PaymentSucceeded and records
/// RefundRequested. No catalog: the orders are written straight into the order database.
/// </summary>
public sealed class OrderServiceFixture : IAsyncLifetime
{
    private IHost? _paymentStandIn;

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Orders { get; private set; } = null!;

    public NpgsqlDataSource OrderDb { get; private set; } = null!;

    public static ConcurrentDictionary<Guid, ConcurrentQueue<RefundRequested>> Refunds { get; } = new();

    public ISendEndpointProvider Sender => _paymentStandIn!.Services.GetRequiredService<ISendEndpointProvider>();

    public async ValueTask InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ApplicationName = "order-tests", AppHostDirectory = AppContext.BaseDirectory });
        var cache = builder.AddRedis("cache");
        var orderDb = builder.AddPostgres("postgres").AddDatabase("orderdb");
        var messaging = builder.AddRabbitMQ("messaging");
        builder.AddProject<Projects.Order>("order")
            .WithReference(cache).WaitFor(cache)
            .WithReference(orderDb).WaitFor(orderDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithEnvironment("Ordering__SweepInterval", "00:00:01")
            .WithHttpHealthCheck("/health");
        App = builder.Build();
        await App.StartAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await App.WaitForResourceHealthyAsync("order", timeout.Token);
        }

        Orders = App.CreateHttpClient("order");
        OrderDb = NpgsqlDataSource.Create((await App.GetConnectionStringAsync("orderdb"))!);

        var paymentStandIn = Host.CreateApplicationBuilder();
        paymentStandIn.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = await App.GetConnectionStringAsync("messaging"),
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
