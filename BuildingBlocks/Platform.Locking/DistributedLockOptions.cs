namespace Platform.Locking;

/// <summary>Options of <see cref="RedisDistributedLockProvider"/>.</summary>
public sealed class DistributedLockOptions
{
    /// <summary>Prefix of the lock and fence keys. Default "lock".</summary>
    public string KeyPrefix { get; set; } = "lock";

    /// <summary>How long a resource's fence counter outlives its last acquisition. Default 10 minutes. Fences come
    /// from Redis's clock in microseconds and the counter only orders acquisitions within one microsecond (and covers a
    /// clock stepped back meanwhile), so once it expired the clock alone is above every fence it gave. Short, because
    /// one lock per order leaves one counter per order: at 1,000 orders a second, 10 minutes is 600,000 keys (about
    /// 60 MB), 7 days would be 600 million.</summary>
    public TimeSpan FenceRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lease taken on acquisition and on each renewal. Default 10 s.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Renew the lease every <see cref="Lease"/>/3 while held. Default true.</summary>
    public bool AutoRenew { get; set; } = true;

    /// <summary>Shortest pause between acquisition attempts while waiting. Default 5 ms.</summary>
    public TimeSpan RetryDelayMin { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Longest pause between acquisition attempts while waiting. Default 50 ms.</summary>
    public TimeSpan RetryDelayMax { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Fraction of the lease after which the holder considers it lost if no renewal succeeded, leaving room for
    /// clock-rate drift between this machine and Redis. Default 0.9.
    /// </summary>
    public double SafetyFactor { get; set; } = 0.9;
}
