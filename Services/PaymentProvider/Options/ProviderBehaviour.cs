namespace Platform.PaymentProvider.Options;

/// <summary>How the simulated provider misbehaves. Rates are probabilities in [0, 1]; 0 and 1 are exact.</summary>
public sealed record ProviderBehaviour
{
    public const string SectionName = "Provider";

    /// <summary>Delay before every call is answered (and its effect recorded). Replays are answered at once.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Share of calls answered 503 without effect (the provider's own outage). Replays are not affected.</summary>
    public double FailureRate { get; init; }

    /// <summary>Share of charges answered 402 card_declined.</summary>
    public double DeclineRate { get; init; }

    /// <summary>
    /// Unreachable: every new call, replays included, is answered 503 at once; calls already in their latency still
    /// complete. This is the outage in which a client cannot learn whether a charge it gave up on went through.
    /// </summary>
    public bool Down { get; init; }

    public string? Validate() =>
        LatencyMs < 0 ? "latencyMs must be >= 0"
        : FailureRate is < 0 or > 1 ? "failureRate must be within [0, 1]"
        : DeclineRate is < 0 or > 1 ? "declineRate must be within [0, 1]"
        : null;
}
