using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Platform.Locking;

/// <summary>
/// A held lock. Its lease is renewed in the background (unless disabled); <see cref="LeaseLost"/> fires when a
/// renewal finds the lock taken, when no renewal succeeded in time, or on release. Dispose (<c>await using</c>) to
/// release. Pass <see cref="FencingToken"/> to the protected resource so it can reject writes from a holder that
/// lost the lock without noticing (see docs/locking.md).
/// </summary>
public sealed class DistributedLockHandle : IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly string _lockKey;
    private readonly string _token;
    private readonly TimeSpan _lease;
    private readonly DistributedLockOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _leaseLost = new();
    private readonly CancellationTokenSource _stopRenewal = new();
    private readonly Task _renewal;
    private int _released;

    internal DistributedLockHandle(
        IConnectionMultiplexer redis, string resource, string lockKey, string token, long fencingToken, TimeSpan lease, long leaseStartTimestamp, DistributedLockOptions options, ILogger logger)
    {
        _redis = redis;
        Resource = resource;
        _lockKey = lockKey;
        _token = token;
        FencingToken = fencingToken;
        _lease = lease;
        _options = options;
        _logger = logger;
        LeaseLost = _leaseLost.Token;
        ArmLeaseDeadline(leaseStartTimestamp, lease);
        _renewal = options.AutoRenew ? RenewUntilStoppedAsync() : Task.CompletedTask;
    }

    public string Resource { get; }

    /// <summary>Strictly greater than the token of every earlier acquisition of this resource.</summary>
    public long FencingToken { get; }

    /// <summary>Fires when the lock is (or may be) no longer held: stop working on the resource.</summary>
    public CancellationToken LeaseLost { get; }

    /// <summary>False once the lease is lost or the lock released.</summary>
    public bool IsHeld => !_leaseLost.IsCancellationRequested;

    /// <summary>Extends the lease now. False (and <see cref="LeaseLost"/> fires) when the lock is no longer ours.</summary>
    public async Task<bool> ExtendAsync(TimeSpan? lease = null, CancellationToken cancellationToken = default)
    {
        var leaseTime = lease ?? _lease;
        long start = Stopwatch.GetTimestamp();
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(LockScripts.Extend, [_lockKey], [_token, (long)leaseTime.TotalMilliseconds])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)result == 1 && IsHeld)
        {
            ArmLeaseDeadline(start, leaseTime);
            return true;
        }

        MarkLost("the lock was taken over or expired");
        return false;
    }

    /// <summary>Releases the lock if it is still ours; a lock that was taken over is left to its new owner.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        await _stopRenewal.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _redis.GetDatabase().ScriptEvaluateAsync(LockScripts.Release, [_lockKey], [_token]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning(ex, "Releasing the lock on {Resource} failed; it expires with its lease.", Resource);
        }
        finally
        {
            await _leaseLost.CancelAsync().ConfigureAwait(false);
            _leaseLost.Dispose();
            _stopRenewal.Dispose();
        }
    }

    /// <summary>Lost at start + lease * safety factor unless renewed: measured from before the command was sent, on the local monotonic clock.</summary>
    private void ArmLeaseDeadline(long startTimestamp, TimeSpan lease)
    {
        var left = (lease * _options.SafetyFactor) - Stopwatch.GetElapsedTime(startTimestamp);
        try
        {
            _leaseLost.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        catch (ObjectDisposedException)
        {
            // released concurrently
        }
    }

    private async Task RenewUntilStoppedAsync()
    {
        var period = _lease / 3;
        while (!_stopRenewal.IsCancellationRequested && IsHeld)
        {
            try
            {
                await Task.Delay(period, _stopRenewal.Token).ConfigureAwait(false);
                if (!await ExtendAsync(cancellationToken: _stopRenewal.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (_stopRenewal.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // keep trying: the deadline armed by the last success fires LeaseLost if none succeeds in time
                _logger.LogWarning(ex, "Renewing the lock on {Resource} failed; retrying.", Resource);
                period = _lease / 10;
            }
        }
    }

    private void MarkLost(string reason)
    {
        if (!_leaseLost.IsCancellationRequested && Volatile.Read(ref _released) == 0)
        {
            LockingDiagnostics.LeasesLost.Add(1);
            _logger.LogWarning("Lost the lock on {Resource}: {Reason}.", Resource, reason);
            try
            {
                _leaseLost.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // released concurrently
            }
        }
    }
}
