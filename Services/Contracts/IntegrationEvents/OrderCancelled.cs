namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → notification: final, unsuccessful state, with the reason a buyer can read.</summary>
public sealed record OrderCancelled(Guid OrderId, string BuyerId, string Reason);
