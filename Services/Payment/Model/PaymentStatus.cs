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
