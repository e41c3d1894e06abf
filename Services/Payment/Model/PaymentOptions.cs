namespace Platform.Payment.Model;

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
}
