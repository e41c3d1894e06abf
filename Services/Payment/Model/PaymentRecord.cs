namespace Platform.Payment.Model;

public static class PaymentStatus
{
    /// <summary>Only ever seen inside the transaction that charges: a rolled-back attempt leaves no row.</summary>
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Money moved for the order and went back: a late success for a cancelled order, or a charge found
    /// after giving up. <c>failure_reason</c> still says what the order service was told.</summary>
    public const string Refunded = "refunded";
}

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
