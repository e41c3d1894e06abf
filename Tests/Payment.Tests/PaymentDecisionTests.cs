using Platform.Payment.Model;
using Xunit;

namespace Platform.Payment.Tests;

public sealed class PaymentDecisionTests
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_charge_succeeds_the_payment_whatever_its_age() =>
        Assert.Equal(new PaymentDecision.Succeed("ch_1"), PaymentDecision.Decide(new ChargeAttempt.Charged("ch_1"), TimeSpan.FromHours(1), GiveUpAfter));

    [Fact]
    public void A_decline_fails_at_once_with_the_provider_reason_and_nothing_to_reconcile() =>
        Assert.Equal(new PaymentDecision.Fail("card_declined", MayHaveCharged: false), PaymentDecision.Decide(new ChargeAttempt.Refused("card_declined"), TimeSpan.Zero, GiveUpAfter));

    [Fact]
    public void An_unavailable_provider_is_retried_before_the_deadline() =>
        Assert.IsType<PaymentDecision.Retry>(PaymentDecision.Decide(new ChargeAttempt.Unavailable("HTTP 503"), TimeSpan.FromSeconds(119), GiveUpAfter));

    [Fact]
    public void An_open_breaker_is_waited_out_not_turned_into_a_failure() =>
        Assert.IsType<PaymentDecision.Retry>(PaymentDecision.Decide(new ChargeAttempt.BreakerOpen("open"), TimeSpan.FromSeconds(30), GiveUpAfter));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unavailability_fails_the_payment_once_the_deadline_passed_and_leaves_it_to_reconcile(bool breakerOpen)
    {
        ChargeAttempt attempt = breakerOpen ? new ChargeAttempt.BreakerOpen("open") : new ChargeAttempt.Unavailable("timed out");
        Assert.Equal(new PaymentDecision.Fail(PaymentDecision.ProviderUnavailable, MayHaveCharged: true), PaymentDecision.Decide(attempt, GiveUpAfter, GiveUpAfter));
    }

    [Theory]
    [InlineData(120, 30)]
    [InlineData(20, 2)]
    [InlineData(0, 1)]
    [InlineData(300, 2)] // many capped intervals: doubling past the cap once overflowed TimeSpan
    [InlineData(86_400, 30)]
    public void Retry_intervals_outlast_the_deadline_and_respect_the_cap(int giveUpSeconds, int maxIntervalSeconds)
    {
        var giveUp = TimeSpan.FromSeconds(giveUpSeconds);
        var max = TimeSpan.FromSeconds(maxIntervalSeconds);
        var intervals = PaymentDecision.RetryIntervals(giveUp, max);

        Assert.All(intervals, i => Assert.InRange(i, TimeSpan.FromSeconds(1) < max ? TimeSpan.FromSeconds(1) : max, max));
        Assert.True(intervals.Aggregate(TimeSpan.Zero, (sum, i) => sum + i) >= giveUp + max);
        Assert.Equal(intervals.Order(), intervals);
    }
}
