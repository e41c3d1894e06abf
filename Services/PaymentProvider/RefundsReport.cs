namespace Platform.PaymentProvider;

public sealed record RefundsReport(int Count, IReadOnlyList<Refund> Refunds);
