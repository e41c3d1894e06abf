namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → catalog: give back what was reserved for this order (cancellation). Idempotent per order.</summary>
public sealed record StockReleaseRequested(Guid OrderId);
