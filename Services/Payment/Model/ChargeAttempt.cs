namespace Platform.Payment.Model;

/// <summary>What one call to the provider came to.</summary>
public abstract record ChargeAttempt
{
    public sealed record Charged(string PaymentId) : ChargeAttempt;

    /// <summary>The provider answered and said no (402, or another 4xx that no retry can change).</summary>
    public sealed record Refused(string Reason) : ChargeAttempt;

    /// <summary>5xx, 408/429, connection failures, timeouts: the provider may answer differently later.</summary>
    public sealed record Unavailable(string Detail) : ChargeAttempt;

    /// <summary>The client's circuit breaker is open: the provider was not even called.</summary>
    public sealed record BreakerOpen(string Detail) : ChargeAttempt;

    /// <summary>The order's idempotency key already holds a charge of another amount (the provider refused the key's
    /// reuse, or answered a replay with a charge we did not ask for): money may have moved that this payment does not
    /// own, so it fails and the reconciler looks the key up and refunds what it finds.</summary>
    public sealed record Conflicting(string Detail) : ChargeAttempt;
}
