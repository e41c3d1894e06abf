namespace Platform.Order.Model;

public sealed record PlaceOrderLine(int ProductId, int Quantity);
