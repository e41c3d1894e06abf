namespace Platform.Order.Options;

public sealed class OrderingOptions
{
    /// <summary>An order not Confirmed or Cancelled by then is cancelled and its stock released.</summary>
    public TimeSpan OrderTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);
}
