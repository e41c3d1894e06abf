namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → notification: final, successful state.</summary>
public sealed record OrderConfirmed(Guid OrderId, string BuyerId, decimal Total);
