using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Locking;

/// <summary>
/// Single-instance Redis locks: <c>SET key token NX PX lease</c> plus a per-resource fence counter in one script;
/// extend and release are scripts that check the token. Waiting is polling with jittered delays, capped by the
/// holder's remaining lease.
/// </summary>
public sealed class RedisDistributedLockProvider(IConnectionMultiplexer redis, IOptions<DistributedLockOptions> options, ILogger<RedisDistributedLockProvider>? logger = null)
    : IDistributedLockProvider
{
    private readonly DistributedLockOptions _options = options.Value;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<DistributedLockHandle> AcquireAsync(string resource, TimeSpan waitTimeout, TimeSpan? lease = null, CancellationToken cancellationToken = default) =>
        await TryAcquireAsync(resource, waitTimeout, lease, cancellationToken).ConfigureAwait(false)
        ?? throw new TimeoutException($"Could not acquire the lock on '{resource}' within {waitTimeout}.");

    public async Task<DistributedLockHandle?> TryAcquireAsync(string resource, TimeSpan waitTimeout = default, TimeSpan? lease = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        var leaseTime = lease ?? _options.Lease;
        if (leaseTime < TimeSpan.FromMilliseconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(lease), "The lease must be at least 10 ms.");
        }

        using var activity = LockingDiagnostics.Source.StartActivity("lock acquire");
        activity?.SetTag("lock.resource", resource);
        string lockKey = $"{_options.KeyPrefix}:{resource}";
        string fenceKey = $"{_options.KeyPrefix}:{resource}:fence";
        string token = Guid.NewGuid().ToString("N");
        long leaseMs = (long)leaseTime.TotalMilliseconds;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            long attemptStart = Stopwatch.GetTimestamp();
            var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(LockScripts.Acquire, [lockKey, fenceKey], [token, leaseMs, (long)_options.FenceRetention.TotalMilliseconds])
                .WaitAsync(cancellationToken).ConfigureAwait(false))!;
            if ((long)reply[0] == 1)
            {
                long fence = (long)reply[1];
                LockingDiagnostics.Acquired.Add(1);
                LockingDiagnostics.WaitDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
                activity?.SetTag("lock.fence", fence);
                return new DistributedLockHandle(redis, resource, lockKey, token, fence, leaseTime, attemptStart, _options, _logger);
            }

            var remaining = waitTimeout - Stopwatch.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                LockingDiagnostics.TimedOut.Add(1);
                LockingDiagnostics.WaitDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
                activity?.SetTag("lock.timed_out", true);
                return null;
            }

            long holderLeftMs = Math.Max(1, (long)reply[1]);
            double delayMs = _options.RetryDelayMin.TotalMilliseconds
                + (Random.Shared.NextDouble() * (_options.RetryDelayMax - _options.RetryDelayMin).TotalMilliseconds);
            delayMs = Math.Min(Math.Min(delayMs, holderLeftMs), remaining.TotalMilliseconds);
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, delayMs)), cancellationToken).ConfigureAwait(false);
        }
    }
}
