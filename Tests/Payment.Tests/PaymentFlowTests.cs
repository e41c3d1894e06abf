using System.Net;
using MassTransit;
using Platform.Contracts.IntegrationEvents;
using Xunit;
using static Platform.Payment.Tests.PaymentFixture;

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
        var mark = fixture.PaymentLogMark();

        await fixture.SendAsync(request, messageId);
        await fixture.SendAsync(request, messageId);   // a redelivery: the inbox drops it
        await fixture.SendAsync(request, NewId.NextGuid()); // a new request for the same order: answered, not charged again

        var outcomes = await WaitForOutcomesAsync(request.OrderId, count: 2);
        Assert.All(outcomes, o => Assert.IsType<PaymentSucceeded>(o));
        var succeeded = outcomes.Cast<PaymentSucceeded>().ToList();
        Assert.Single(succeeded.Select(s => s.PaymentId).Distinct());
        Assert.All(succeeded, s => Assert.Equal(42.50m, s.Amount));

        var charge = Assert.Single(await fixture.ChargesForAsync(request.OrderId));
        Assert.Equal(succeeded[0].PaymentId, charge.Id);

        var payment = await fixture.PaymentAsync(request.OrderId);
        Assert.Equal(("succeeded", charge.Id, 42.50m, false), (payment.Status, payment.PaymentId, payment.Amount, payment.NeedsReconciliation));

        // the redelivery was dropped, so nothing more is answered
        await fixture.WaitForInboxDropAsync(nameof(PaymentRequested), messageId, mark);
        Assert.Equal(2, Outcomes[request.OrderId].Count);
    }

    [Fact]
    public async Task A_declined_card_fails_the_payment_at_once_without_a_charge()
    {
        await fixture.SetBehaviourAsync(declineRate: 1);
        try
        {
            var request = new PaymentRequested(Guid.NewGuid(), "buyer-2", 10m);
            await fixture.SendAsync(request, NewId.NextGuid());

            var failed = Assert.IsType<PaymentFailed>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1)));
            Assert.Equal("card_declined", failed.Reason);
            Assert.Empty(await fixture.ChargesForAsync(request.OrderId));
            // The provider answered: nothing is left to reconcile.
            Assert.False((await fixture.PaymentAsync(request.OrderId)).NeedsReconciliation);
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }
    }

    [Fact]
    public async Task A_provider_failing_every_call_fails_the_payment_after_waiting_then_reconciles_it_without_a_refund()
    {
        var request = new PaymentRequested(Guid.NewGuid(), "buyer-3", 15m);
        var mark = fixture.PaymentLogMark();
        await fixture.SetBehaviourAsync(failureRate: 1);
        try
        {
            await fixture.SendAsync(request, NewId.NextGuid());

            // It waits for the provider rather than failing the order at the first 503: one attempt's calls (the
            // client's 1 + MaxRetryAttempts, 2 in appsettings.json) all refused, it comes back for another...
            await fixture.WaitForRefusedChargesAsync(request.OrderId, mark, count: 4);
            Assert.False(Outcomes.ContainsKey(request.OrderId));

            // ...until the deadline, then gives up with PaymentFailed, and leaves the row to the reconciler.
            var failed = Assert.IsType<PaymentFailed>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1, GiveUpAfter + Delivery)));
            Assert.Equal("provider_unavailable", failed.Reason);
            var payment = await fixture.PaymentAsync(request.OrderId);
            Assert.Equal(("failed", null, true), (payment.Status, payment.PaymentId, payment.NeedsReconciliation));

            // The lookups fail too while the provider does: the row waits, round after round.
            await fixture.WaitForReconcilerWaitsAsync(request.OrderId, mark, rounds: 2);
            Assert.True((await fixture.PaymentAsync(request.OrderId)).NeedsReconciliation);
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }

        // Back up, the provider says no charge holds the key: reconciled, no refund, nothing charged.
        var reconciled = await fixture.WaitForPaymentAsync(request.OrderId, p => !p.NeedsReconciliation, Delivery);
        Assert.Equal(("failed", null, "provider_unavailable", null), (reconciled.Status, reconciled.PaymentId, reconciled.FailureReason, reconciled.RefundId));
        Assert.NotNull(reconciled.ReconciledAt);
        Assert.Empty(await fixture.ChargesForAsync(request.OrderId));
        Assert.Empty(await fixture.RefundsForAsync(request.OrderId));
    }

    [Fact]
    public async Task A_slow_provider_opens_the_breaker_payments_wait_and_succeed_once_it_recovers()
    {
        const string Opened = "Circuit breaker of HttpClient 'PaymentProviderClient' opened";
        var mark = fixture.PaymentLogMark();
        await fixture.SetBehaviourAsync(latencyMs: 2500);
        var requests = Enumerable.Range(0, 3).Select(i => new PaymentRequested(Guid.NewGuid(), $"buyer-slow-{i}", 20m + i)).ToList();
        try
        {
            foreach (var request in requests)
            {
                await fixture.SendAsync(request, NewId.NextGuid());
            }

            await WaitUntilAsync(() => fixture.PaymentLogLines(mark).Any(l => l.Contains(Opened, StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
            Assert.All(requests, r => Assert.False(Outcomes.ContainsKey(r.OrderId), "a payment was decided while the breaker was open"));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }

        foreach (var request in requests)
        {
            var succeeded = Assert.IsType<PaymentSucceeded>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1)));
            // Attempts that timed out reached the provider; the idempotency key made them one charge.
            var charge = Assert.Single(await fixture.ChargesForAsync(request.OrderId));
            Assert.Equal((charge.Id, request.Amount), (succeeded.PaymentId, succeeded.Amount));
        }

        await WaitUntilAsync(() => fixture.PaymentLogLines(mark).Any(l => l.Contains("Circuit breaker of HttpClient 'PaymentProviderClient' closed", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_unknown_payment_is_not_found()
    {
        using var response = await fixture.Payment.GetAsync($"/api/payments/{Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
