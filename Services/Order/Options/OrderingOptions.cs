namespace Platform.Order.Options;

public sealed class OrderingOptions
{
    /// <summary>An order not Confirmed or Cancelled by then is cancelled and its stock released.</summary>
    public TimeSpan OrderTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most orders one buyer may have open (Pending or StockReserved, each holding stock) at once: beyond
    /// it, a new order is refused until one is confirmed or cancelled. Without it, one buyer could hold every item's
    /// stock for <see cref="OrderTimeout"/> at a time.</summary>
    public int MaxOpenOrdersPerBuyer { get; set; } = 50;
}
