namespace Platform.Order.Model;

public sealed record OrderTransition(OrderStatus From, OrderStatus To, OrderEffects Effects)
{
    public bool Changed => From != To;
}
