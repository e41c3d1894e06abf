namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → catalog: reserve stock for every line, or none.</summary>
public sealed record OrderSubmitted(Guid OrderId, string BuyerId, IReadOnlyList<OrderLine> Lines, decimal Total, DateTimeOffset SubmittedAt);
