using Microsoft.Extensions.Options;

namespace Platform.PaymentProvider;

/// <summary>How the simulated provider misbehaves. Rates are probabilities in [0, 1]; 0 and 1 are exact.</summary>
public sealed record ProviderBehaviour
{
    public const string SectionName = "Provider";

    /// <summary>Delay before every charge is answered (and recorded).</summary>
    public int LatencyMs { get; init; }

    /// <summary>Share of charges answered 503 without charging (the provider's own outage).</summary>
    public double FailureRate { get; init; }

    /// <summary>Share of charges answered 402 card_declined.</summary>
    public double DeclineRate { get; init; }

    public string? Validate() =>
        LatencyMs < 0 ? "latencyMs must be >= 0"
        : FailureRate is < 0 or > 1 ? "failureRate must be within [0, 1]"
        : DeclineRate is < 0 or > 1 ? "declineRate must be within [0, 1]"
        : null;
}

/// <summary>The behaviour in force: starts from configuration, replaced at run time by <c>PUT /admin/behaviour</c>.</summary>
public sealed class BehaviourSwitch(IOptions<ProviderBehaviour> configured)
{
    private ProviderBehaviour _current = configured.Value;

    public ProviderBehaviour Current => Volatile.Read(ref _current);

    public void Set(ProviderBehaviour behaviour) => Volatile.Write(ref _current, behaviour);

    /// <summary>True with probability <paramref name="rate"/>; exactly never at 0 and always at 1.</summary>
    public static bool Roll(double rate) => rate >= 1 || (rate > 0 && Random.Shared.NextDouble() < rate);
}
