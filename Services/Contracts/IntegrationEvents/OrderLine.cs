namespace Platform.Contracts.IntegrationEvents;

/// <summary>One line of an order, priced by the catalog when the order was placed.</summary>
public sealed record OrderLine(int ProductId, int Quantity, decimal UnitPrice);
