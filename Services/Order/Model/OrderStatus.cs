namespace Platform.Order.Model;

public enum OrderStatus
{
    Pending,
    StockReserved,
    Paid,
    Confirmed,
    Cancelled,
}
