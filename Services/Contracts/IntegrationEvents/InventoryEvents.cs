namespace Platform.Contracts.IntegrationEvents;

/// <summary>Catalog → order: every line of the order is reserved.</summary>
public sealed record StockReserved(Guid OrderId);

/// <summary>Catalog → order: at least one line could not be reserved; nothing was.</summary>
public sealed record StockRejected(Guid OrderId, string Reason);
