namespace Platform.Contracts.IntegrationEvents;

/// <summary>
/// Order → payment: this payment succeeded for an order that is already cancelled (a late PaymentSucceeded);
/// give the money back. Idempotent per order.
/// </summary>
public sealed record RefundRequested(Guid OrderId, string PaymentId, decimal Amount, string Reason);
