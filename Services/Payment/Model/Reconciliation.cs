namespace Platform.Payment.Model;

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
