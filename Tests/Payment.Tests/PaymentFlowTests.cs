using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Platform.Contracts.IntegrationEvents;
using Xunit;

namespace Platform.Payment.Tests;

[Collection(PaymentCollection.Name)]
public sealed class PaymentFlowTests(PaymentFixture fixture)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_delivered_twice_and_repeated_charges_once()
    {
        await fixture.SetBehaviourAsync();
        var request = new PaymentRequested(Guid.NewGuid(), "buyer-1", 42.50m);
        var messageId = NewId.NextGuid();

        await SendAsync(request, messageId);
        await SendAsync(request, messageId);   // a redelivery: the inbox drops it
        await SendAsync(request, NewId.NextGuid()); // a new request for the same order: answered, not charged again

        var outcomes = await WaitForOutcomesAsync(request.OrderId, count: 2);
        Assert.All(outcomes, o => Assert.IsType<PaymentSucceeded>(o));
        var succeeded = outcomes.Cast<PaymentSucceeded>().ToList();
        Assert.Single(succeeded.Select(s => s.PaymentId).Distinct());
        Assert.All(succeeded, s => Assert.Equal(42.50m, s.Amount));

        var charges = await ChargesForAsync(request.OrderId);
        var charge = Assert.Single(charges);
        Assert.Equal(succeeded[0].PaymentId, charge.Id);

        var payment = await fixture.Payment.GetFromJsonAsync<PaymentView>($"/api/payments/{request.OrderId}", Ct);
        Assert.Equal(("succeeded", charge.Id, 42.50m), (payment!.Status, payment.PaymentId, payment.Amount));

        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(2, PaymentFixture.Outcomes[request.OrderId].Count);
    }

    [Fact]
    public async Task A_declined_card_fails_the_payment_at_once_without_a_charge()
    {
        await fixture.SetBehaviourAsync(declineRate: 1);
        try
        {
            var request = new PaymentRequested(Guid.NewGuid(), "buyer-2", 10m);
            await SendAsync(request, NewId.NextGuid());

            var failed = Assert.IsType<PaymentFailed>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1)));
            Assert.Equal("card_declined", failed.Reason);
            Assert.Empty(await ChargesForAsync(request.OrderId));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }
    }

    [Fact]
    public async Task A_provider_failing_every_call_fails_the_payment_after_waiting_and_never_charges()
    {
        await fixture.SetBehaviourAsync(failureRate: 1);
        try
        {
            var request = new PaymentRequested(Guid.NewGuid(), "buyer-3", 15m);
            await SendAsync(request, NewId.NextGuid());

            // It waits for the provider rather than failing the order at the first 503...
            await Task.Delay(TimeSpan.FromSeconds(5), Ct);
            Assert.False(PaymentFixture.Outcomes.ContainsKey(request.OrderId));

            // ...until the deadline, then gives up with PaymentFailed.
            var failed = Assert.IsType<PaymentFailed>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1, PaymentFixture.GiveUpAfter + Delivery)));
            Assert.Equal("provider_unavailable", failed.Reason);
            Assert.Empty(await ChargesForAsync(request.OrderId));
            var payment = await fixture.Payment.GetFromJsonAsync<PaymentView>($"/api/payments/{request.OrderId}", Ct);
            Assert.Equal(("failed", null), (payment!.Status, payment.PaymentId));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }
    }

    [Fact]
    public async Task A_slow_provider_opens_the_breaker_payments_wait_and_succeed_once_it_recovers()
    {
        const string Opened = "Circuit breaker of HttpClient 'PaymentProviderClient' opened";
        var openedBefore = fixture.PaymentLogLines().Count(l => l.Contains(Opened, StringComparison.Ordinal));
        await fixture.SetBehaviourAsync(latencyMs: 2500);
        var requests = Enumerable.Range(0, 3).Select(i => new PaymentRequested(Guid.NewGuid(), $"buyer-slow-{i}", 20m + i)).ToList();
        try
        {
            foreach (var request in requests)
            {
                await SendAsync(request, NewId.NextGuid());
            }

            await WaitUntilAsync(() => fixture.PaymentLogLines().Count(l => l.Contains(Opened, StringComparison.Ordinal)) > openedBefore, TimeSpan.FromSeconds(30));
            Assert.All(requests, r => Assert.False(PaymentFixture.Outcomes.ContainsKey(r.OrderId), "a payment was decided while the breaker was open"));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }

        foreach (var request in requests)
        {
            var succeeded = Assert.IsType<PaymentSucceeded>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1)));
            // Attempts that timed out reached the provider; the idempotency key made them one charge.
            var charge = Assert.Single(await ChargesForAsync(request.OrderId));
            Assert.Equal((charge.Id, request.Amount), (succeeded.PaymentId, succeeded.Amount));
        }

        await WaitUntilAsync(() => fixture.PaymentLogLines().Any(l => l.Contains("Circuit breaker of HttpClient 'PaymentProviderClient' closed", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_unknown_payment_is_not_found()
    {
        using var response = await fixture.Payment.GetAsync($"/api/payments/{Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task SendAsync(PaymentRequested request, Guid messageId)
    {
        // Sent to the consumer's queue (declared by the send if the service has not yet), so nothing depends on
        // the service's exchange bindings being in place when the test starts.
        var endpoint = await fixture.Sender.GetSendEndpoint(new Uri("queue:payment-requested"));
        await endpoint.Send(request, context => context.MessageId = messageId, Ct);
    }

    private static async Task<IReadOnlyList<object>> WaitForOutcomesAsync(Guid orderId, int count, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => PaymentFixture.Outcomes.TryGetValue(orderId, out var outcomes) && outcomes.Count >= count, timeout ?? Delivery);
        return [.. PaymentFixture.Outcomes[orderId]];
    }

    private async Task<IReadOnlyList<ChargeView>> ChargesForAsync(Guid orderId)
    {
        var report = await fixture.Provider.GetFromJsonAsync<ChargesReportView>("/admin/charges", Ct);
        return [.. report!.Charges.Where(c => c.IdempotencyKey == $"order-{orderId}")];
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(200, Ct);
        }
    }

    private sealed record PaymentView(Guid OrderId, string? PaymentId, decimal Amount, string Status, string? FailureReason);

    private sealed record ChargeView(string Id, string IdempotencyKey, decimal Amount, string Status);

    private sealed record ChargesReportView(int Count, IReadOnlyList<ChargeView> Charges);
}
