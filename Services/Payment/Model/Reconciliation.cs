namespace Platform.Payment.Model;

/// <summary>What looking a charge up by its idempotency key came to.</summary>
public abstract record ChargeLookup
{
    public sealed record Found(string ChargeId, decimal Amount, bool Refunded) : ChargeLookup;

    /// <summary>The provider answered that no charge holds the key.</summary>
    public sealed record NotFound : ChargeLookup;

    /// <summary>5xx, 408/429, connection failures, timeouts, an open breaker: ask again later.</summary>
    public sealed record Unavailable(string Detail) : ChargeLookup;

    /// <summary>Any other answer: no retry changes it, a person has to look.</summary>
    public sealed record Refused(string Reason) : ChargeLookup;
}

/// <summary>What one refund call came to.</summary>
public abstract record RefundAttempt
{
    public sealed record Refunded(string RefundId) : RefundAttempt;

    /// <summary>409 charge_already_refunded: refunded under another key (by hand, at the provider's dashboard).</summary>
    public sealed record AlreadyRefunded : RefundAttempt;

    public sealed record Unavailable(string Detail) : RefundAttempt;

    public sealed record Refused(string Reason) : RefundAttempt;
}

/// <summary>The next thing to do with a row that needs reconciliation.</summary>
public abstract record ReconcileStep
{
    /// <summary>Given up without an answer: ask the provider whether the charge happened.</summary>
    public sealed record LookUp : ReconcileStep;

    public sealed record Refund(string ChargeId) : ReconcileStep;

    /// <summary>Done: no money moved.</summary>
    public sealed record SettleNoCharge : ReconcileStep;

    /// <summary>Done: the money is back (<paramref name="RefundId"/> is null when it went back under another key).</summary>
    public sealed record MarkRefunded(string ChargeId, string? RefundId) : ReconcileStep;

    /// <summary>Leave the row for a later round; <paramref name="After"/> null means the next one.</summary>
    public sealed record RetryLater(string Reason, TimeSpan? After = null) : ReconcileStep;
}

public enum RefundRequestAnswer
{
    Refund,
    AlreadyRefunded,
    NothingCharged,
}

/// <summary>The reconciler's decisions, pure: the same for the background reconciler and the RefundRequested consumer.</summary>
public static class Reconciliation
{
    /// <summary>A refusal will not change by itself; retried rarely so that it stays visible without flooding logs.</summary>
    public static readonly TimeSpan RefusedRetryAfter = TimeSpan.FromHours(1);

    /// <summary>A row with a charge id is refunded outright; one given up without an answer is looked up first.</summary>
    public static ReconcileStep Start(PaymentRecord row) =>
        row.PaymentId is { } chargeId ? new ReconcileStep.Refund(chargeId) : new ReconcileStep.LookUp();

    /// <summary>
    /// A charge found is refunded even if it says refunded already: with our refund key that replays our own
    /// refund (its id is what we record), and a refund made under another key answers 409, which also settles it.
    /// </summary>
    public static ReconcileStep AfterLookup(ChargeLookup lookup) => lookup switch
    {
        ChargeLookup.Found found => new ReconcileStep.Refund(found.ChargeId),
        ChargeLookup.NotFound => new ReconcileStep.SettleNoCharge(),
        ChargeLookup.Unavailable unavailable => new ReconcileStep.RetryLater($"lookup: provider unavailable: {unavailable.Detail}"),
        ChargeLookup.Refused refused => new ReconcileStep.RetryLater($"lookup refused: {refused.Reason}", RefusedRetryAfter),
        _ => throw new ArgumentOutOfRangeException(nameof(lookup), lookup, null),
    };

    public static ReconcileStep AfterRefund(string chargeId, RefundAttempt attempt) => attempt switch
    {
        RefundAttempt.Refunded refunded => new ReconcileStep.MarkRefunded(chargeId, refunded.RefundId),
        RefundAttempt.AlreadyRefunded => new ReconcileStep.MarkRefunded(chargeId, null),
        RefundAttempt.Unavailable unavailable => new ReconcileStep.RetryLater($"refund: provider unavailable: {unavailable.Detail}"),
        RefundAttempt.Refused refused => new ReconcileStep.RetryLater($"refund refused: {refused.Reason}", RefusedRetryAfter),
        _ => throw new ArgumentOutOfRangeException(nameof(attempt), attempt, null),
    };

    /// <summary>
    /// The order service asks for a refund only after a PaymentSucceeded, so only a succeeded row has money to send
    /// back; a refunded one already did (a redelivery, or a second request with another message id).
    /// </summary>
    public static RefundRequestAnswer OnRefundRequested(PaymentRecord row) => row.Status switch
    {
        PaymentStatus.Succeeded => RefundRequestAnswer.Refund,
        PaymentStatus.Refunded => RefundRequestAnswer.AlreadyRefunded,
        _ => RefundRequestAnswer.NothingCharged,
    };
}
