namespace Platform.PaymentProvider;

/// <summary>What a refund request came to.</summary>
public enum RefundOutcome
{
    Created,
    Replayed,
    ChargeNotFound,
    ChargeAlreadyRefunded,
    AmountExceedsRefundable,
    KeyReusedWithOtherParameters,
}
