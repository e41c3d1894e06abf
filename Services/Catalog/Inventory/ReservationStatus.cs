namespace Platform.Catalog.Inventory;

public enum ReservationStatus
{
    /// <summary>Every line is reserved (now, or by an earlier OrderSubmitted with the same order id).</summary>
    Reserved,

    /// <summary>Some line lacked stock or names an unknown item; nothing was reserved.</summary>
    Rejected,

    /// <summary>The order's reservation was released earlier; it is not reserved again.</summary>
    AlreadyReleased,
}
