namespace Platform.Contracts.IntegrationEvents;

/// <summary>Catalog → order: every line of the order is reserved.</summary>
public sealed record StockReserved(Guid OrderId);
