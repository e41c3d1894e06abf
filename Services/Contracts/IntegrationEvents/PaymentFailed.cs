namespace Platform.Contracts.IntegrationEvents;

/// <summary>Payment → order: the provider declined or kept failing; no money was taken.</summary>
public sealed record PaymentFailed(Guid OrderId, string Reason);
