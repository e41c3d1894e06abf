namespace Platform.PaymentProvider;

public sealed record ChargesReport(int Count, IReadOnlyList<ChargeResponse> Charges, IReadOnlyList<string> InFlight);
