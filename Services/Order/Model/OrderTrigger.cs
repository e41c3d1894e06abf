namespace Platform.Order.Model;

/// <summary>What can happen to an order; each comes from one integration event or the timeout sweeper.</summary>
public enum OrderTrigger
{
    StockReserved,
    StockRejected,
    PaymentSucceeded,
    PaymentFailed,
    TimedOut,
}
