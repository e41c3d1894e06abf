namespace Platform.Contracts.IntegrationEvents;

/// <summary>Payment → order: the provider declined or kept failing; no money was taken. Names the payment request it
/// answers (<see cref="PaymentRequested.PaymentRequestId"/>).</summary>
public sealed record PaymentFailed(Guid OrderId, string Reason, Guid? PaymentRequestId = null);
