namespace Platform.Order.Infrastructure;

/// <summary>The part of the catalog's item the order needs.</summary>
public sealed record CatalogPrice(int Id, string Name, decimal Price, int AvailableStock);
