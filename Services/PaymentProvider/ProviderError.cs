namespace Platform.PaymentProvider;

public sealed record ProviderError(string Error);
