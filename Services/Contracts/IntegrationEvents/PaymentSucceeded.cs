namespace Platform.Contracts.IntegrationEvents;

/// <summary>Payment → order: the provider charged the buyer (exactly once per order). Names the payment request it
/// answers (<see cref="PaymentRequested.PaymentRequestId"/>).</summary>
public sealed record PaymentSucceeded(Guid OrderId, string PaymentId, decimal Amount, Guid? PaymentRequestId = null);
