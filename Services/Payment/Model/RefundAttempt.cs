namespace Platform.Payment.Model;

/// <summary>What one refund call came to.</summary>
public abstract record RefundAttempt
{
    public sealed record Refunded(string RefundId) : RefundAttempt;

    /// <summary>409 charge_already_refunded: refunded under another key (by hand, at the provider's dashboard).</summary>
    public sealed record AlreadyRefunded : RefundAttempt;

    public sealed record Unavailable(string Detail) : RefundAttempt;

    public sealed record Refused(string Reason) : RefundAttempt;
}
