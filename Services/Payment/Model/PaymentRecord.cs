namespace Platform.Payment.Model;

/// <summary>A row of <c>payments</c>: one per order, ever (its primary key).</summary>
public sealed record PaymentRecord(
    Guid OrderId,
    string? PaymentId,
    decimal Amount,
    string Status,
    string? FailureReason,
    long Fence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? RefundId = null,
    string? RefundReason = null,
    DateTimeOffset? ReconcileAfter = null,
    DateTimeOffset? ReconciledAt = null,
    string? BuyerId = null)
{
    public bool IsDecided => Status is not PaymentStatus.Pending;

    /// <summary>Money may sit at the provider that must go back: the reconciler owns the row until this is false.</summary>
    public bool NeedsReconciliation => ReconcileAfter is not null;
}
