namespace Platform.Order.Infrastructure;

public enum PlaceOrderOutcome
{
    Created,
    Replayed,
    KeyReusedWithDifferentRequest,
    AdmissionUsed,
    TooManyOpenOrders,
}
