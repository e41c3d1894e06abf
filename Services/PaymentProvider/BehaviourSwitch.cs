using Microsoft.Extensions.Options;
using Platform.PaymentProvider.Options;

namespace Platform.PaymentProvider;

/// <summary>The behaviour in force: starts from configuration, replaced at run time by <c>PUT /admin/behaviour</c>.</summary>
public sealed class BehaviourSwitch(IOptions<ProviderBehaviour> configured)
{
    private ProviderBehaviour _current = configured.Value;

    public ProviderBehaviour Current => Volatile.Read(ref _current);

    public void Set(ProviderBehaviour behaviour) => Volatile.Write(ref _current, behaviour);

    /// <summary>True with probability <paramref name="rate"/>; exactly never at 0 and always at 1.</summary>
    public static bool Roll(double rate) => rate >= 1 || (rate > 0 && Random.Shared.NextDouble() < rate);

    /// <summary>The answer of a provider that cannot take the call.</summary>
    public static IResult Unavailable() =>
        Results.Json(new ProviderError("provider_unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// The latency, then the failure roll, of a call that is not a replay: a 503 to answer, or null to go ahead.
    /// <paramref name="latencyToken"/> is <c>CancellationToken.None</c> for calls with an effect: a real provider
    /// finishes a charge or a refund even if the client timed out, which is exactly the case idempotency keys exist for.
    /// </summary>
    public async Task<IResult?> DelayOrFailAsync(CancellationToken latencyToken)
    {
        var current = Current;
        if (current.LatencyMs > 0)
        {
            await Task.Delay(current.LatencyMs, latencyToken);
        }

        return Roll(current.FailureRate) ? Unavailable() : null;
    }
}
