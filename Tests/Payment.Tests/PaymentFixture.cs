using System.Collections.Concurrent;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Contracts.IntegrationEvents;
using Platform.Hosting;
using Platform.Hosting.Orchestration;
using Platform.Hosting.Testing;
using Xunit;

namespace Platform.Payment.Tests;

/// <summary>
/// Real Redis, PostgreSQL and RabbitMQ, the payment provider and the payment service as processes (our hosting
/// layer), and a bus in the test process standing in for the order service: it sends PaymentRequested and records
/// the outcomes.
/// </summary>
public sealed class PaymentFixture : IAsyncLifetime
{
    /// <summary>Short enough for a test to see a payment given up, long enough to wait out a 5 s breaker.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(25);

    private IHost? _orderStandIn;

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Provider { get; private set; } = null!;

    public HttpClient Payment { get; private set; } = null!;

    public static ConcurrentDictionary<Guid, ConcurrentQueue<object>> Outcomes { get; } = new();

    public ISendEndpointProvider Sender => _orderStandIn!.Services.GetRequiredService<ISendEndpointProvider>();

    public async ValueTask InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ApplicationName = "payment-tests", AppHostDirectory = AppContext.BaseDirectory });
        var cache = builder.AddRedis("cache");
        var paymentDb = builder.AddPostgres("postgres").AddDatabase("paymentdb");
        var messaging = builder.AddRabbitMQ("messaging");
        var provider = builder.AddProject<Projects.PaymentProvider>("payment-provider")
            .WithEnvironment("Provider__LatencyMs", "0")
            .WithHttpHealthCheck("/health");
        builder.AddProject<Projects.Payment>("payment")
            .WithReference(cache).WaitFor(cache)
            .WithReference(paymentDb).WaitFor(paymentDb)
            .WithReference(messaging).WaitFor(messaging)
            .WithReference(provider).WaitFor(provider)
            .WithEnvironment("Payment__GiveUpAfter", GiveUpAfter.ToString())
            .WithEnvironment("Payment__MaxRetryInterval", "00:00:02")
            .WithEnvironment("HttpClient__PaymentProviderClient__Resilience__AttemptTimeout", "00:00:01.500")
            .WithEnvironment("HttpClient__PaymentProviderClient__Resilience__TotalRequestTimeout", "00:00:05")
            .WithHttpHealthCheck("/health");
        App = builder.Build();
        await App.StartAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await App.WaitForResourceHealthyAsync("payment", timeout.Token);
        }

        Provider = App.CreateHttpClient("payment-provider");
        Payment = App.CreateHttpClient("payment");

        var orderStandIn = Host.CreateApplicationBuilder();
        orderStandIn.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = await App.GetConnectionStringAsync("messaging"),
        });
        orderStandIn.AddRabbitMQMessaging("messaging", bus => bus.AddConsumer<OutcomeRecorder>());
        orderStandIn.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        _orderStandIn = orderStandIn.Build();
        await _orderStandIn.StartAsync();
    }

    public IReadOnlyList<string> PaymentLogLines() =>
        [.. App.Services.GetRequiredService<ResourceLoggerService>().GetLines("payment").Select(l => l.Text)];

    public async ValueTask DisposeAsync()
    {
        if (_orderStandIn is not null)
        {
            await _orderStandIn.StopAsync();
            _orderStandIn.Dispose();
        }

        Provider?.Dispose();
        Payment?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    public async Task SetBehaviourAsync(int latencyMs = 0, double failureRate = 0, double declineRate = 0)
    {
        using var response = await Provider.PutAsJsonAsync("/admin/behaviour", new { latencyMs, failureRate, declineRate });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Records PaymentSucceeded and PaymentFailed as the order service would receive them.</summary>
    public sealed class OutcomeRecorder : IConsumer<PaymentSucceeded>, IConsumer<PaymentFailed>
    {
        public Task Consume(ConsumeContext<PaymentSucceeded> context) => Record(context.Message.OrderId, context.Message);

        public Task Consume(ConsumeContext<PaymentFailed> context) => Record(context.Message.OrderId, context.Message);

        private static Task Record(Guid orderId, object outcome)
        {
            Outcomes.GetOrAdd(orderId, _ => new()).Enqueue(outcome);
            return Task.CompletedTask;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PaymentCollection : ICollectionFixture<PaymentFixture>
{
    public const string Name = "Payment";
}
