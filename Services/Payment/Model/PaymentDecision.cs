namespace Platform.Payment.Model;

/// <summary>What the consumer does with an attempt.</summary>
public abstract record PaymentDecision
{
    public sealed record Succeed(string PaymentId) : PaymentDecision;

    /// <summary>
    /// Tell the order it failed. <paramref name="MayHaveCharged"/>: we stopped asking without a final answer, and an
    /// attempt that timed out may have charged, so the row is left for the reconciler to look up.
    /// </summary>
    public sealed record Fail(string Reason, bool MayHaveCharged = false) : PaymentDecision;

    /// <summary>Throw, roll back, and let the endpoint's retry bring the message back later.</summary>
    public sealed record Retry(string Reason) : PaymentDecision;

    public const string ProviderUnavailable = "provider_unavailable";

    public const string ChargeConflict = "charge_conflict";

    /// <summary>
    /// A refusal is final at once. Unavailability (including an open breaker) is waited out until the message is
    /// <paramref name="giveUpAfter"/> old: failing an order because the provider had a bad minute loses a sale.
    /// </summary>
    public static PaymentDecision Decide(ChargeAttempt attempt, TimeSpan messageAge, TimeSpan giveUpAfter) => attempt switch
    {
        ChargeAttempt.Charged charged => new Succeed(charged.PaymentId),
        ChargeAttempt.Refused refused => new Fail(refused.Reason),
        ChargeAttempt.Conflicting => new Fail(ChargeConflict, MayHaveCharged: true),
        ChargeAttempt.Unavailable or ChargeAttempt.BreakerOpen when messageAge >= giveUpAfter => new Fail(ProviderUnavailable, MayHaveCharged: true),
        ChargeAttempt.Unavailable unavailable => new Retry($"provider unavailable: {unavailable.Detail}"),
        ChargeAttempt.BreakerOpen open => new Retry($"circuit open: {open.Detail}"),
        _ => throw new ArgumentOutOfRangeException(nameof(attempt), attempt, null),
    };

    /// <summary>
    /// The endpoint's retry intervals: doubling from 1 s up to <paramref name="maxInterval"/>, enough of them that
    /// the retries outlast <paramref name="giveUpAfter"/> by one more interval, so the deadline (not the retry
    /// count) ends the wait and the message never reaches the error queue for an unavailable provider.
    /// </summary>
    public static TimeSpan[] RetryIntervals(TimeSpan giveUpAfter, TimeSpan maxInterval)
    {
        var intervals = new List<TimeSpan>();
        var next = TimeSpan.FromSeconds(1);
        var total = TimeSpan.Zero;
        while (total < giveUpAfter + maxInterval)
        {
            var interval = next < maxInterval ? next : maxInterval;
            intervals.Add(interval);
            total += interval;
            next = interval * 2; // from the capped interval: doubling the uncapped one overflows on a long give-up
        }

        return [.. intervals];
    }
}
