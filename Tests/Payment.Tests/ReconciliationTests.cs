using Platform.Payment.Model;
using Xunit;

namespace Platform.Payment.Tests;

public sealed class ReconciliationTests
{
    private static readonly DateTimeOffset At = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_payment_given_up_without_an_answer_is_looked_up_first() =>
        Assert.IsType<ReconcileStep.LookUp>(Reconciliation.Start(Row(PaymentStatus.Failed, paymentId: null, "provider_unavailable")));

    [Fact]
    public void A_payment_with_a_charge_is_refunded_outright() =>
        Assert.Equal(new ReconcileStep.Refund("ch_1"), Reconciliation.Start(Row(PaymentStatus.Succeeded, "ch_1", null)));

    [Fact]
    public void A_charge_found_is_refunded_even_if_it_says_refunded_already() =>
        Assert.All(new[] { false, true }, refunded =>
            Assert.Equal(new ReconcileStep.Refund("ch_2"), Reconciliation.AfterLookup(new ChargeLookup.Found("ch_2", 10m, refunded))));

    [Fact]
    public void No_charge_settles_the_payment_without_a_refund() =>
        Assert.IsType<ReconcileStep.SettleNoCharge>(Reconciliation.AfterLookup(new ChargeLookup.NotFound()));

    [Fact]
    public void An_unavailable_provider_leaves_the_row_for_the_next_round()
    {
        Assert.Null(Assert.IsType<ReconcileStep.RetryLater>(Reconciliation.AfterLookup(new ChargeLookup.Unavailable("HTTP 503"))).After);
        Assert.Null(Assert.IsType<ReconcileStep.RetryLater>(Reconciliation.AfterRefund("ch_3", new RefundAttempt.Unavailable("circuit open"))).After);
    }

    [Fact]
    public void A_refusal_is_retried_rarely_rather_than_settled()
    {
        Assert.Equal(Reconciliation.RefusedRetryAfter, Assert.IsType<ReconcileStep.RetryLater>(Reconciliation.AfterLookup(new ChargeLookup.Refused("rejected_400"))).After);
        Assert.Equal(Reconciliation.RefusedRetryAfter, Assert.IsType<ReconcileStep.RetryLater>(Reconciliation.AfterRefund("ch_4", new RefundAttempt.Refused("rejected_404: charge_not_found"))).After);
    }

    [Fact]
    public void A_refund_or_one_made_elsewhere_marks_the_payment_refunded()
    {
        Assert.Equal(new ReconcileStep.MarkRefunded("ch_5", "re_5"), Reconciliation.AfterRefund("ch_5", new RefundAttempt.Refunded("re_5")));
        Assert.Equal(new ReconcileStep.MarkRefunded("ch_5", null), Reconciliation.AfterRefund("ch_5", new RefundAttempt.AlreadyRefunded()));
    }

    [Theory]
    [InlineData(PaymentStatus.Succeeded, RefundRequestAnswer.Refund)]
    [InlineData(PaymentStatus.Refunded, RefundRequestAnswer.AlreadyRefunded)]
    [InlineData(PaymentStatus.Failed, RefundRequestAnswer.NothingCharged)]
    public void Only_a_succeeded_payment_has_money_to_send_back(string status, RefundRequestAnswer answer) =>
        Assert.Equal(answer, Reconciliation.OnRefundRequested(Row(status, status == PaymentStatus.Failed ? null : "ch_6", null)));

    private static PaymentRecord Row(string status, string? paymentId, string? failureReason) =>
        new(Guid.NewGuid(), paymentId, 10m, status, failureReason, 1, At, At, ReconcileAfter: At);
}
