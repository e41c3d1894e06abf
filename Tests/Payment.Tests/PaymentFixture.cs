using System.Collections.Concurrent;
using System.Net.Http.Json;
using MassTransit;
using Platform.Contracts.IntegrationEvents;
using Platform.Testing;
using Xunit;

namespace Platform.Payment.Tests;

/// <summary>
/// The AppHost's payment service in this process, the payment provider and real Redis, PostgreSQL and RabbitMQ as the
/// AppHost's processes, and a bus
/// in the test process standing in for the order service: it sends PaymentRequested and records the outcomes.
/// </summary>
public sealed class PaymentFixture : IAsyncLifetime
{
    /// <summary>Short enough for a test to see a payment given up, long enough to wait out a 5 s breaker.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(25);

    /// <summary>Short, so that a test sees a round soon after the provider is back.</summary>
    public static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    private StandInBus? _orderStandIn;

    public PlatformApp App { get; private set; } = null!;

    public HttpClient Provider { get; private set; } = null!;

    public HttpClient Payment { get; private set; } = null!;

    public static ConcurrentDictionary<Guid, ConcurrentQueue<object>> Outcomes { get; } = new();

    /// <summary>PaymentRefunded as the notification service would receive them, per order.</summary>
    public static ConcurrentDictionary<Guid, ConcurrentQueue<PaymentRefunded>> RefundAnnouncements { get; } = new();

    public ISendEndpointProvider Sender => _orderStandIn!.Sender;

    public async ValueTask InitializeAsync()
    {
        App = await PlatformAppBuilder.Create()
            .InMemory<Platform.Payment.Model.PaymentRecord>("payment")
            .WithEnvironment("payment-provider", "Provider__LatencyMs", "0")
            .WithEnvironment("payment", "Payment__GiveUpAfter", GiveUpAfter.ToString())
            .WithEnvironment("payment", "Payment__MaxRetryInterval", "00:00:02")
            .WithEnvironment("payment", "HttpClient__PaymentProviderClient__Resilience__AttemptTimeout__Timeout", "00:00:01.500")
            .WithEnvironment("payment", "HttpClient__PaymentProviderClient__Resilience__TotalRequestTimeout__Timeout", "00:00:05")
            .WithEnvironment("payment", "Payment__ReconcileInterval", ReconcileInterval.ToString())
            .WithEnvironment("payment", "Payment__ReconcileDelay", "00:00:02")
            .WithEnvironment("payment", PlatformApp.InboxDropsLogged.Name, PlatformApp.InboxDropsLogged.Value)
            .WithEnvironment("payment", "Logging__LogLevel__Platform.Payment.Infrastructure.PaymentReconciler", "Debug")
            .StartAsync(TimeSpan.FromMinutes(3));

        Provider = App.CreateAuthorizedClient("payment-provider", await App.ParameterValueAsync("payment-provider-api-key"));
        Payment = App.CreateAuthorizedClient("payment", await App.ServiceTokenAsync("operations", "payment.internal"));

        _orderStandIn = await StandInBus.StartAsync(App, bus => bus.AddConsumer<OutcomeRecorder>());
    }

    /// <summary>The payment service's console lines after <paramref name="afterSequence"/> (the log is a ring: old lines fall out).</summary>
    public IReadOnlyList<string> PaymentLogLines(long afterSequence = 0) => [.. App.Logs("payment", afterSequence).Select(l => l.Text)];

    public long PaymentLogMark() => App.LogMark();

    /// <summary>Waits until the payment service says its inbox dropped this delivery (a redelivery takes no effect).</summary>
    public Task WaitForInboxDropAsync(string messageType, Guid messageId, long mark) =>
        App.WaitForLogAsync("payment", PlatformApp.InboxDropped(messageType, messageId), mark, Delivery, cancellationToken: Ct);

    /// <summary>Waits until the provider has refused the order's charge <paramref name="count"/> times (a simulated failure).</summary>
    public Task WaitForRefusedChargesAsync(Guid orderId, long mark, int count) =>
        App.WaitForLogAsync("payment-provider", $"Charge for key order-{orderId} answered 503", mark, Delivery, count, Ct);

    /// <summary>Waits until the reconciler has found the provider unreachable for the order <paramref name="rounds"/> times.</summary>
    public Task WaitForReconcilerWaitsAsync(Guid orderId, long mark, int rounds) =>
        App.WaitForLogAsync("payment", $"Order {orderId}: reconciliation waits for the provider", mark, Delivery, rounds, Ct);

    /// <summary>Waits until the reconciler has finished <paramref name="rounds"/> rounds after <paramref name="mark"/>.</summary>
    public Task WaitForReconcilerRoundsAsync(long mark, int rounds) =>
        App.WaitForLogAsync("payment", "Payment reconciliation round done", mark, Delivery, rounds, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_orderStandIn is not null)
        {
            await _orderStandIn.DisposeAsync();
        }

        Provider?.Dispose();
        Payment?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task SetBehaviourAsync(int latencyMs = 0, double failureRate = 0, double declineRate = 0, bool down = false)
    {
        using var response = await Provider.PutAsJsonAsync("/admin/behaviour", new { latencyMs, failureRate, declineRate, down });
        response.EnsureSuccessStatusCode();
    }

    public async Task SendAsync<T>(string queue, T message, Guid messageId)
        where T : class
    {
        // Sent to the consumer's queue (declared by the send if the service has not yet), so nothing depends on
        // the service's exchange bindings being in place when the test starts.
        var endpoint = await Sender.GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(message, context => context.MessageId = messageId, Ct);
    }

    public Task SendAsync(PaymentRequested request, Guid messageId) => SendAsync("payment-requested", request, messageId);

    public static async Task<IReadOnlyList<object>> WaitForOutcomesAsync(Guid orderId, int count, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => Task.FromResult(Outcomes.TryGetValue(orderId, out var outcomes) && outcomes.Count >= count), timeout ?? Delivery);
        return [.. Outcomes[orderId]];
    }

    public static async Task<PaymentRefunded> WaitForRefundAnnouncementAsync(Guid orderId)
    {
        await WaitUntilAsync(() => RefundAnnouncements.ContainsKey(orderId), Delivery);
        return Assert.Single(RefundAnnouncements[orderId]);
    }

    public async Task<ChargesReportView> ChargesAsync() => (await Provider.GetFromJsonAsync<ChargesReportView>("/admin/charges", Ct))!;

    public async Task<IReadOnlyList<ChargeView>> ChargesForAsync(Guid orderId) =>
        [.. (await ChargesAsync()).Charges.Where(c => c.IdempotencyKey == $"order-{orderId}")];

    public async Task<IReadOnlyList<RefundView>> RefundsForAsync(Guid orderId) =>
        [.. (await Provider.GetFromJsonAsync<RefundsReportView>("/admin/refunds", Ct))!.Refunds.Where(r => r.ChargeIdempotencyKey == $"order-{orderId}")];

    public async Task<PaymentView> PaymentAsync(Guid orderId) => (await Payment.GetFromJsonAsync<PaymentView>($"/api/payments/{orderId}", Ct))!;

    public async Task<PaymentView> WaitForPaymentAsync(Guid orderId, Func<PaymentView, bool> condition, TimeSpan timeout)
    {
        PaymentView? last = null;
        await WaitUntilAsync(async () => condition(last = await PaymentAsync(orderId)), timeout);
        return last!;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(200, Ct);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    public sealed record PaymentView(
        Guid OrderId, string? PaymentId, decimal Amount, string Status, string? FailureReason, string? RefundId, string? RefundReason, bool NeedsReconciliation, DateTimeOffset? ReconciledAt);

    public sealed record ChargeView(string Id, string IdempotencyKey, decimal Amount, string Status, decimal AmountRefunded, bool Refunded);

    public sealed record ChargesReportView(int Count, IReadOnlyList<ChargeView> Charges, IReadOnlyList<string> InFlight);

    public sealed record RefundView(string Id, string IdempotencyKey, string ChargeId, string ChargeIdempotencyKey, decimal Amount, string Status);

    public sealed record RefundsReportView(int Count, IReadOnlyList<RefundView> Refunds);

    /// <summary>Records PaymentSucceeded and PaymentFailed as the order service would receive them, and PaymentRefunded
    /// as the notification service would.</summary>
    public sealed class OutcomeRecorder : IConsumer<PaymentSucceeded>, IConsumer<PaymentFailed>, IConsumer<PaymentRefunded>
    {
        public Task Consume(ConsumeContext<PaymentRefunded> context)
        {
            RefundAnnouncements.GetOrAdd(context.Message.OrderId, _ => new()).Enqueue(context.Message);
            return Task.CompletedTask;
        }

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
