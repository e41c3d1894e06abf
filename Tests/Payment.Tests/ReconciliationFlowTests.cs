using MassTransit;
using Platform.Contracts.IntegrationEvents;
using Xunit;
using static Platform.Payment.Tests.PaymentFixture;

namespace Platform.Payment.Tests;

/// <summary>Money that moved for an order that ended cancelled goes back, once.</summary>
[Collection(PaymentCollection.Name)]
public sealed class ReconciliationFlowTests(PaymentFixture fixture)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_charge_that_went_through_after_the_client_gave_up_is_found_and_refunded_once()
    {
        var request = new PaymentRequested(Guid.NewGuid(), "buyer-ambiguous", 33m);
        var mark = fixture.PaymentLogMark();
        await fixture.SetBehaviourAsync(latencyMs: 3000);
        try
        {
            await fixture.SendAsync(request, NewId.NextGuid());
            // The first attempt reaches the provider, which is slow: the client times out at 1.5 s, the provider
            // charges at 3 s. From the moment it has the request, the provider cannot be reached, replays included,
            // so the payment service never learns that the money moved.
            await WaitUntilAsync(async () => (await fixture.ChargesAsync()).InFlight.Contains($"order-{request.OrderId}"), Delivery);
            await fixture.SetBehaviourAsync(latencyMs: 3000, down: true);

            var failed = Assert.IsType<PaymentFailed>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1, GiveUpAfter + Delivery)));
            Assert.Equal("provider_unavailable", failed.Reason);
            var charge = Assert.Single(await fixture.ChargesForAsync(request.OrderId));
            Assert.False(charge.Refunded);
            var payment = await fixture.PaymentAsync(request.OrderId);
            Assert.Equal(("failed", null, true), (payment.Status, payment.PaymentId, payment.NeedsReconciliation));

            // While the provider stays unreachable, the reconciler can only wait, round after round.
            await fixture.WaitForReconcilerWaitsAsync(request.OrderId, mark, rounds: 2);
            Assert.True((await fixture.PaymentAsync(request.OrderId)).NeedsReconciliation);
            Assert.Empty(await fixture.RefundsForAsync(request.OrderId));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }

        var refunded = await fixture.WaitForPaymentAsync(request.OrderId, p => p.Status == "refunded", Delivery);
        var found = Assert.Single(await fixture.ChargesForAsync(request.OrderId));
        var refund = Assert.Single(await fixture.RefundsForAsync(request.OrderId));
        Assert.Equal((found.Id, 33m, $"refund-{request.OrderId}"), (refund.ChargeId, refund.Amount, refund.IdempotencyKey));
        Assert.True(found.Refunded);
        // The row keeps what the order was told, and now says where the money went and how it came back.
        Assert.Equal((found.Id, refund.Id, "provider_unavailable", false), (refunded.PaymentId, refunded.RefundId, refunded.FailureReason, refunded.NeedsReconciliation));

        // The buyer is told, once.
        var announced = await WaitForRefundAnnouncementAsync(request.OrderId);
        Assert.Equal(("buyer-ambiguous", 33m, found.Id, refund.Id), (announced.BuyerId, announced.Amount, announced.PaymentId, announced.RefundId));

        // rounds that start after the announcement find nothing more to do for the order
        await fixture.WaitForReconcilerRoundsAsync(fixture.PaymentLogMark(), rounds: 3);
        Assert.Single(await fixture.RefundsForAsync(request.OrderId));
        Assert.Single(Outcomes[request.OrderId]);
        Assert.Single(RefundAnnouncements[request.OrderId]);
    }

    [Fact]
    public async Task A_refund_requested_twice_and_again_refunds_once_and_a_repeated_payment_request_charges_nothing()
    {
        await fixture.SetBehaviourAsync();
        var (request, chargeId) = await SucceededPaymentAsync("buyer-late-1", 18m);
        var refundRequest = new RefundRequested(request.OrderId, chargeId, 18m, "order cancelled before its payment succeeded (test)");
        var messageId = NewId.NextGuid();
        var mark = fixture.PaymentLogMark();

        await fixture.SendAsync("refund-requested", refundRequest, messageId);
        await fixture.SendAsync("refund-requested", refundRequest, messageId);        // a redelivery: the inbox drops it
        await fixture.SendAsync("refund-requested", refundRequest, NewId.NextGuid()); // published again: finds it refunded

        var payment = await fixture.WaitForPaymentAsync(request.OrderId, p => p.Status == "refunded", Delivery);
        // the redelivery was dropped, and the request published again found the refund made
        await fixture.WaitForInboxDropAsync(nameof(RefundRequested), messageId, mark);
        await fixture.App.WaitForLogAsync("payment", $"Order {request.OrderId} was refunded already", mark, Delivery, cancellationToken: Ct);
        var refund = Assert.Single(await fixture.RefundsForAsync(request.OrderId));
        Assert.Equal((chargeId, 18m), (refund.ChargeId, refund.Amount));
        Assert.Equal((chargeId, refund.Id, refundRequest.Reason, null), (payment.PaymentId, payment.RefundId, payment.RefundReason, payment.FailureReason));
        Assert.True(Assert.Single(await fixture.ChargesForAsync(request.OrderId)).Refunded);
        var announced = await WaitForRefundAnnouncementAsync(request.OrderId);
        Assert.Equal(("buyer-late-1", 18m, refundRequest.Reason), (announced.BuyerId, announced.Amount, announced.Reason));

        // Asked to pay again, the service repeats what the order heard and never charges a second time.
        await fixture.SendAsync(request, NewId.NextGuid());
        var outcomes = await WaitForOutcomesAsync(request.OrderId, count: 2);
        Assert.All(outcomes, o => Assert.Equal(chargeId, Assert.IsType<PaymentSucceeded>(o).PaymentId));
        Assert.Single(await fixture.ChargesForAsync(request.OrderId));
    }

    [Fact]
    public async Task A_refund_requested_while_the_provider_is_down_waits_and_is_made_once_it_is_back()
    {
        await fixture.SetBehaviourAsync();
        var (request, chargeId) = await SucceededPaymentAsync("buyer-late-2", 27m);
        await fixture.SetBehaviourAsync(down: true);
        var mark = fixture.PaymentLogMark();
        try
        {
            await fixture.SendAsync("refund-requested", new RefundRequested(request.OrderId, chargeId, 27m, "test"), NewId.NextGuid());
            var waiting = await fixture.WaitForPaymentAsync(request.OrderId, p => p.NeedsReconciliation, Delivery);
            Assert.Equal(("succeeded", "test"), (waiting.Status, waiting.RefundReason));

            await fixture.WaitForReconcilerWaitsAsync(request.OrderId, mark, rounds: 2);
            Assert.Equal("succeeded", (await fixture.PaymentAsync(request.OrderId)).Status);
            Assert.Empty(await fixture.RefundsForAsync(request.OrderId));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }

        var refunded = await fixture.WaitForPaymentAsync(request.OrderId, p => p.Status == "refunded", Delivery);
        var refund = Assert.Single(await fixture.RefundsForAsync(request.OrderId));
        Assert.Equal((chargeId, 27m, refund.Id), (refund.ChargeId, refund.Amount, refunded.RefundId));
    }

    [Fact]
    public async Task A_payment_whose_key_already_holds_a_charge_of_another_amount_fails_and_that_charge_is_refunded()
    {
        await fixture.SetBehaviourAsync();
        var request = new PaymentRequested(Guid.NewGuid(), "buyer-conflict", 21m);
        // Someone charged this order's key with another amount (a bug, another system): that money is not this payment.
        using (var foreign = new HttpRequestMessage(HttpMethod.Post, "/v1/charges") { Content = System.Net.Http.Json.JsonContent.Create(new { amount = 99m, currency = "usd" }) })
        {
            foreign.Headers.Add("Idempotency-Key", $"order-{request.OrderId}");
            (await fixture.Provider.SendAsync(foreign, Ct)).EnsureSuccessStatusCode();
        }

        await fixture.SendAsync(request, NewId.NextGuid());

        var failed = Assert.IsType<PaymentFailed>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1)));
        Assert.Equal("charge_conflict", failed.Reason);
        var payment = await fixture.WaitForPaymentAsync(request.OrderId, p => p.Status == "refunded", Delivery);
        var refund = Assert.Single(await fixture.RefundsForAsync(request.OrderId));
        Assert.Equal((99m, payment.RefundId), (refund.Amount, (string?)refund.Id));
        Assert.Single(await fixture.ChargesForAsync(request.OrderId)); // never charged the 21
        Assert.Equal(99m, (await WaitForRefundAnnouncementAsync(request.OrderId)).Amount); // the buyer hears what came back
    }

    private async Task<(PaymentRequested Request, string ChargeId)> SucceededPaymentAsync(string buyer, decimal amount)
    {
        var request = new PaymentRequested(Guid.NewGuid(), buyer, amount);
        await fixture.SendAsync(request, NewId.NextGuid());
        var succeeded = Assert.IsType<PaymentSucceeded>(Assert.Single(await WaitForOutcomesAsync(request.OrderId, count: 1)));
        return (request, succeeded.PaymentId);
    }
}
