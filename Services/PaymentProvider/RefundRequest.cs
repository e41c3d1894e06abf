namespace Platform.PaymentProvider;

/// <summary>Body of <c>POST /v1/refunds</c>: the whole charge, or part of it when amount is given.</summary>
public sealed record RefundRequest(string? ChargeId, decimal? Amount);
