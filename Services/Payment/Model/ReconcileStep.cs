namespace Platform.Payment.Model;

/// <summary>The next thing to do with a row that needs reconciliation.</summary>
public abstract record ReconcileStep
{
    /// <summary>Given up without an answer: ask the provider whether the charge happened.</summary>
    public sealed record LookUp : ReconcileStep;

    public sealed record Refund(string ChargeId) : ReconcileStep;

    /// <summary>Done: no money moved.</summary>
    public sealed record SettleNoCharge : ReconcileStep;

    /// <summary>Done: the money is back (<paramref name="RefundId"/> is null when it went back under another key).</summary>
    public sealed record MarkRefunded(string ChargeId, string? RefundId) : ReconcileStep;

    /// <summary>Leave the row for a later round; <paramref name="After"/> null means the next one.</summary>
    public sealed record RetryLater(string Reason, TimeSpan? After = null) : ReconcileStep;
}
