namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → catalog (bestsellers) and notification: the buyer paid.</summary>
public sealed record OrderPaid(Guid OrderId, string BuyerId, IReadOnlyList<OrderLine> Lines, decimal Total);
