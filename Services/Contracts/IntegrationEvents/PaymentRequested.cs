namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → payment: stock is held, charge the buyer.</summary>
public sealed record PaymentRequested(Guid OrderId, string BuyerId, decimal Amount);
