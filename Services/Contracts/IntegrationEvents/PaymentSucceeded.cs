namespace Platform.Contracts.IntegrationEvents;

/// <summary>Payment → order: the provider charged the buyer (exactly once per order).</summary>
public sealed record PaymentSucceeded(Guid OrderId, string PaymentId, decimal Amount);
