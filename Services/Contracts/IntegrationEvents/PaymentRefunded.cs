namespace Platform.Contracts.IntegrationEvents;

/// <summary>Payment → notification: money taken for an order went back to the buyer (a payment that succeeded after
/// its order was cancelled, a charge found after giving up). Once per order.</summary>
public sealed record PaymentRefunded(Guid OrderId, string BuyerId, string PaymentId, string? RefundId, decimal Amount, string Reason);
