namespace Platform.Order.Model;

/// <summary>What the order service must do after a transition, besides storing the new status.</summary>
[Flags]
public enum OrderEffects
{
    None = 0,
    RequestPayment = 1,
    ReleaseStock = 2,
    AnnouncePaid = 4,
    AnnounceConfirmed = 8,
    AnnounceCancelled = 16,

    /// <summary>Give back a payment that succeeded for an order already cancelled.</summary>
    RequestRefund = 32,
}
