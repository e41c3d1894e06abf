namespace Platform.Payment.Model;

public static class PaymentStatus
{
    /// <summary>Only ever seen inside the transaction that charges: a rolled-back attempt leaves no row.</summary>
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>A row of <c>payments</c>: one per order, ever (its primary key).</summary>
public sealed record PaymentRecord(
    Guid OrderId, string? PaymentId, decimal Amount, string Status, string? FailureReason, long Fence, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool IsDecided => Status is PaymentStatus.Succeeded or PaymentStatus.Failed;
}
