namespace Platform.Locking;

/// <summary>Options of <see cref="RedisDistributedLockProvider"/>.</summary>
public sealed class DistributedLockOptions
{
    /// <summary>Prefix of the lock and fence keys. Default "lock".</summary>
    public string KeyPrefix { get; set; } = "lock";

    /// <summary>How long a resource's fence counter outlives its last acquisition. Default 7 days. A counter that
    /// expired restarts from Redis's clock in microseconds, still above every fence it gave.</summary>
    public TimeSpan FenceRetention { get; set; } = TimeSpan.FromDays(7);

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
