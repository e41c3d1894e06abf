namespace Platform.Contracts.IntegrationEvents;

/// <summary>Payment → order: the provider charged the buyer (exactly once per order).</summary>
public sealed record PaymentSucceeded(Guid OrderId, string PaymentId, decimal Amount);

/// <summary>Payment → order: the provider declined or kept failing; no money was taken.</summary>
public sealed record PaymentFailed(Guid OrderId, string Reason);

/// <summary>Payment → notification: money taken for an order went back to the buyer (a payment that succeeded after
/// its order was cancelled, a charge found after giving up). Once per order.</summary>
public sealed record PaymentRefunded(Guid OrderId, string BuyerId, string PaymentId, string? RefundId, decimal Amount, string Reason);
