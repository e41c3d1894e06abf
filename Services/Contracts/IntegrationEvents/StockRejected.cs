namespace Platform.Contracts.IntegrationEvents;

/// <summary>Catalog → order: at least one line could not be reserved; nothing was.</summary>
public sealed record StockRejected(Guid OrderId, string Reason);
