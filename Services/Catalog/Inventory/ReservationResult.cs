namespace Platform.Catalog.Inventory;

/// <summary>Outcome of a reservation; <see cref="InsufficientItemIds"/> lists the lines that could not be served.</summary>
public sealed record ReservationResult(Guid OrderId, ReservationStatus Status, IReadOnlyList<int> InsufficientItemIds);
