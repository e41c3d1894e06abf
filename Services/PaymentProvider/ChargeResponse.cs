namespace Platform.PaymentProvider;

/// <summary>A charge as the API shows it: Stripe keeps a refunded charge "succeeded" and says so in refunded.</summary>
public sealed record ChargeResponse(string Id, string IdempotencyKey, decimal Amount, string Status, decimal AmountRefunded, bool Refunded, DateTimeOffset CreatedAt)
{
    public static ChargeResponse Of(Charge charge, RefundLedger refunds)
    {
        var refunded = refunds.RefundedOf(charge.Id);
        return new(charge.Id, charge.IdempotencyKey, charge.Amount, charge.Status, refunded, refunded >= charge.Amount, charge.CreatedAt);
    }
}
