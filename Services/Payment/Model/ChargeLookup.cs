namespace Platform.Payment.Model;

/// <summary>What looking a charge up by its idempotency key came to.</summary>
public abstract record ChargeLookup
{
    public sealed record Found(string ChargeId, decimal Amount, bool Refunded) : ChargeLookup;

    /// <summary>The provider answered that no charge holds the key.</summary>
    public sealed record NotFound : ChargeLookup;

    /// <summary>5xx, 408/429, connection failures, timeouts, an open breaker: ask again later.</summary>
    public sealed record Unavailable(string Detail) : ChargeLookup;

    /// <summary>Any other answer: no retry changes it, a person has to look.</summary>
    public sealed record Refused(string Reason) : ChargeLookup;
}
