namespace Platform.Payment.Options;

/// <summary>Settings under <c>Payment</c>.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payment";

    /// <summary>
    /// How long a payment keeps waiting for an unavailable provider (5xx, timeouts, open breaker), counted from when
    /// the request was published, before it is failed with PaymentFailed("provider_unavailable").
    /// </summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest pause between two attempts of one payment while the provider is unavailable.</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a consumer waits for another one holding the same order's lock.</summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the reconciler looks for payments whose money must be checked or sent back.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after giving up a payment it is first looked up at the provider. A request the provider accepted
    /// before we gave up may still be completing; "no charge" is only believed once it cannot be.
    /// </summary>
    public TimeSpan ReconcileDelay { get; set; } = TimeSpan.FromMinutes(5);
}
