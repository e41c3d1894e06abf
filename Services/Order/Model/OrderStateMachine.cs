namespace Platform.Order.Model;

/// <summary>
/// The order's lifecycle, as a table: Pending → StockReserved → Paid → Confirmed, or → Cancelled on a stock rejection,
/// a failed payment or a timeout. Cancelled is final: what arrives later is undone (stock released, payment refunded). Every (status, trigger) pair has an answer, so redelivered and late events are
/// decided here, not scattered across consumers.
/// </summary>
public static class OrderStateMachine
{
    public static OrderTransition Apply(OrderStatus status, OrderTrigger trigger) => (status, trigger) switch
    {
        (OrderStatus.Pending, OrderTrigger.StockReserved) => new(status, OrderStatus.StockReserved, OrderEffects.RequestPayment),
        (OrderStatus.Pending, OrderTrigger.StockRejected) => new(status, OrderStatus.Cancelled, OrderEffects.AnnounceCancelled),

        // Paid is recorded, then the order is confirmed in the same transaction: nothing else has to happen between them.
        (OrderStatus.StockReserved, OrderTrigger.PaymentSucceeded) => new(status, OrderStatus.Confirmed, OrderEffects.AnnouncePaid | OrderEffects.AnnounceConfirmed),
        (OrderStatus.StockReserved, OrderTrigger.PaymentFailed) => new(status, OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.AnnounceCancelled),

        // A timeout may race a reservation still in flight, so a cancelled order always asks for its stock back
        // (the catalog's release is idempotent per order).
        (OrderStatus.Pending or OrderStatus.StockReserved, OrderTrigger.TimedOut) => new(status, OrderStatus.Cancelled, OrderEffects.ReleaseStock | OrderEffects.AnnounceCancelled),

        // A reservation that arrives after the order was cancelled must not strand stock.
        (OrderStatus.Cancelled, OrderTrigger.StockReserved) => new(status, status, OrderEffects.ReleaseStock),

        // Nor a payment: the timeout sweeper may cancel an order whose payment was still waiting for the provider.
        // The order stays cancelled (its stock is released, the buyer was told) and the money goes back.
        (OrderStatus.Cancelled, OrderTrigger.PaymentSucceeded) => new(status, status, OrderEffects.RequestRefund),

        // Everything else is a duplicate or a late echo of a decided order: no change, no effect.
        _ => new(status, status, OrderEffects.None),
    };

    public static bool IsFinal(OrderStatus status) => status is OrderStatus.Confirmed or OrderStatus.Cancelled;
}
