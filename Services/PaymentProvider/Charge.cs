namespace Platform.PaymentProvider;

public sealed record Charge(string Id, string IdempotencyKey, decimal Amount, string Status, DateTimeOffset CreatedAt);
