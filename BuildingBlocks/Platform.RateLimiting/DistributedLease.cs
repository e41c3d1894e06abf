using System.Threading.RateLimiting;

namespace Platform.RateLimiting;

/// <summary>Result of an acquisition; successes and hint-less failures are shared singletons so the hot path allocates nothing.</summary>
internal sealed class DistributedLease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static readonly DistributedLease Acquired = new(true, null);

    public static readonly DistributedLease Rejected = new(false, null);

    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    public override bool IsAcquired { get; } = isAcquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = value;
            return true;
        }

        metadata = null;
        return false;
    }

    public static DistributedLease RejectedFor(TimeSpan retryAfter) => new(false, retryAfter);
}
