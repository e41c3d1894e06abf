namespace Platform.Locking;

/// <summary>Mutual exclusion across processes, with leases and fencing tokens.</summary>
public interface IDistributedLockProvider
{
    /// <summary>
    /// Tries to acquire <paramref name="resource"/>, waiting up to <paramref name="waitTimeout"/> (zero: one attempt).
    /// Returns null when the wait timed out. Dispose the handle to release.
    /// </summary>
    Task<DistributedLockHandle?> TryAcquireAsync(string resource, TimeSpan waitTimeout = default, TimeSpan? lease = null, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="TryAcquireAsync"/>, but throws <see cref="TimeoutException"/> when the wait times out.</summary>
    Task<DistributedLockHandle> AcquireAsync(string resource, TimeSpan waitTimeout, TimeSpan? lease = null, CancellationToken cancellationToken = default);
}
