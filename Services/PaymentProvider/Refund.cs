namespace Platform.PaymentProvider;

public sealed record Refund(
    string Id, string IdempotencyKey, string ChargeId, string ChargeIdempotencyKey, decimal Amount, string Status, DateTimeOffset CreatedAt);
