namespace Platform.Notification.Model;

/// <summary>What a buyer is told about an order, as stored, cached in the feed and pushed over SSE.</summary>
public sealed record Notification(Guid Id, string BuyerId, Guid OrderId, string Kind, string Message, DateTimeOffset CreatedAt);
