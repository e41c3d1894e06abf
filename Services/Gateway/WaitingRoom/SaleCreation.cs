namespace Platform.Gateway.WaitingRoom;

public enum SaleCreation
{
    Created,
    Exists,
    TooManySales,
    OverBuyerBudget,
}
