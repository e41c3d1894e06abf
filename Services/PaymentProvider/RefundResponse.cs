namespace Platform.PaymentProvider;

public sealed record RefundResponse(string Id, string ChargeId, decimal Amount, string Status, DateTimeOffset CreatedAt)
{
    public static RefundResponse Of(Refund refund) => new(refund.Id, refund.ChargeId, refund.Amount, refund.Status, refund.CreatedAt);
}
