namespace Platform.PaymentProvider;

public sealed record ChargeRequest(decimal Amount, string? Currency);
