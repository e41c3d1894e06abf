namespace Platform.Catalog.Model;

public sealed record Bestseller(CatalogItem Item, long UnitsSold);
