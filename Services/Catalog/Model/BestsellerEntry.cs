namespace Platform.Catalog.Model;

public sealed record BestsellerEntry(int ItemId, long UnitsSold);
