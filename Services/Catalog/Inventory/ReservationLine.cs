namespace Platform.Catalog.Inventory;

public sealed record ReservationLine(int ItemId, int Quantity);
