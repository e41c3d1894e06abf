namespace Platform.Payment.Model;

/// <summary>What one call to the provider came to.</summary>
public abstract record ChargeAttempt
{
    public sealed record Charged(string PaymentId) : ChargeAttempt;

    /// <summary>The provider answered and said no (402, or another 4xx that no retry can change).</summary>
    public sealed record Refused(string Reason) : ChargeAttempt;

    /// <summary>5xx, 408/429, connection failures, timeouts: the provider may answer differently later.</summary>
    public sealed record Unavailable(string Detail) : ChargeAttempt;

    /// <summary>The client's circuit breaker is open: the provider was not even called.</summary>
    public sealed record BreakerOpen(string Detail) : ChargeAttempt;

    /// <summary>The order's idempotency key already holds a charge of another amount (the provider refused the key's
    /// reuse, or answered a replay with a charge we did not ask for): money may have moved that this payment does not
    /// own, so it fails and the reconciler looks the key up and refunds what it finds.</summary>
    public sealed record Conflicting(string Detail) : ChargeAttempt;
}

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
