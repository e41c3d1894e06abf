using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Platform.RateLimiting;

/// <summary>
/// The limiter of one partition key in one instance. Permits are leased from the shared GCRA bucket in batches and
/// spent locally under a lock, so a request costs no Redis call while the instance holds permits; the next batch is
/// requested in the background when half of the current one is spent. Leased permits expire
/// <see cref="DistributedRateLimiterOptions.EffectiveLeaseLifetime"/> after their request was sent, which is what
/// keeps the global bound exact (docs/rate-limiting.md). A partition that Redis says is empty rejects locally until
/// the retry hint passes.
/// </summary>
internal sealed class LeasedPartitionLimiter(DistributedRateLimiterFactory owner, string partitionKey) : RateLimiter
{
    private readonly object _gate = new();
    private readonly List<(int Count, long ExpiresAt)> _leases = new(2);
    private readonly string _redisKey = owner.Options.KeyPrefix + ":" + partitionKey;
    private readonly long _leaseTicks = (long)(owner.Options.EffectiveLeaseLifetime.TotalSeconds * Stopwatch.Frequency);
    private readonly int _maxBatch = Math.Max(1, Math.Min(owner.Options.MaxLeaseSize, (int)Math.Floor(owner.Options.SharedDepth)));
    private int _batch = 1;
    private int _waitingPermits;
    private int _lastGranted;
    private Task? _refill;
    private long _emptyUntil;
    private long _redisDownUntil;
    private long _lastUsed = Stopwatch.GetTimestamp();
    private RateLimiter? _fallback;

    /// <summary>Longest a caller waits for permits while Redis keeps granting them to others first.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(1);

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                return _leases.Count > 0 || _refill is not null ? null : Stopwatch.GetElapsedTime(_lastUsed);
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            long now = Stopwatch.GetTimestamp();
            return new RateLimiterStatistics { CurrentAvailablePermits = _leases.Where(l => l.ExpiresAt > now).Sum(l => (long)l.Count) };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            return Decide(permitCount, out _) ?? DistributedLease.Rejected;
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        // A caller waits through as many refills as it takes: each one either grants permits (progress, though other
        // callers may take them first), says the bucket is empty (Decide rejects) or fails (Decide falls back). Only
        // Redis saying "empty" refuses a caller; one still without a permit after WaitLimit is decided locally.
        long deadline = Stopwatch.GetTimestamp() + (long)(WaitLimit.TotalSeconds * Stopwatch.Frequency);
        bool waiting = false;
        try
        {
            while (true)
            {
                Task? refill;
                lock (_gate)
                {
                    if (Decide(permitCount, out refill) is { } lease)
                    {
                        return lease;
                    }

                    if (!waiting)
                    {
                        waiting = true;
                        _waitingPermits += permitCount;
                    }
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return DecideAfterWaiting(permitCount);
                }

                await refill!.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (waiting)
            {
                lock (_gate)
                {
                    _waitingPermits -= permitCount;
                }
            }
        }
    }

    /// <summary>
    /// WaitLimit passed and Redis never said the bucket is empty, yet no permit reached this caller: its answers come
    /// too late to use (slower than a lease lives, as while a failover reconnects) or others took every batch. Either
    /// way the client is not known to be over its limit, so the partition decides locally for a second, as when Redis
    /// is down, rather than refuse a request Redis would have allowed.
    /// </summary>
    private RateLimitLease DecideAfterWaiting(int permitCount)
    {
        lock (_gate)
        {
            if (Decide(permitCount, out _) is { } lease)
            {
                return lease;
            }

            DecideLocallyForASecond("no usable permit came from Redis within the wait limit", null);
            return DecideWithoutRedis(permitCount);
        }
    }

    /// <summary>Redis cannot serve this partition now: decide without it for a second, then try it again. Under the lock.</summary>
    private void DecideLocallyForASecond(string reason, Exception? cause)
    {
        _redisDownUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        if (owner.TakeWarningTurn())
        {
            owner.Logger.LogWarning(cause, "Rate limiter deciding locally ({Mode}) for a second: {Reason}.", owner.Options.FailOpen ? "fail-open" : "fail-closed", reason);
        }
    }

    /// <summary>A lease when the answer is known locally; otherwise null and the refill to wait for.</summary>
    private RateLimitLease? Decide(int permitCount, out Task? refill)
    {
        refill = null;
        long now = Stopwatch.GetTimestamp();
        _lastUsed = now;
        if (permitCount > _maxBatch)
        {
            return DistributedLease.Rejected; // could never be leased at once
        }

        if (now < _redisDownUntil)
        {
            return DecideWithoutRedis(permitCount);
        }

        if (TrySpend(now, permitCount))
        {
            if (Available(now) * 2 <= _lastGranted)
            {
                StartRefill(); // prefetch: the next batch arrives before this one runs out
            }

            return DistributedLease.Acquired;
        }

        if (now < _emptyUntil)
        {
            RateLimitingDiagnostics.Rejected.Add(1, new KeyValuePair<string, object?>("ratelimit.source", "redis"));
            return DistributedLease.RejectedFor(Stopwatch.GetElapsedTime(now, _emptyUntil));
        }

        refill = StartRefill();
        return null;
    }

    private bool TrySpend(long now, int permitCount)
    {
        while (_leases.Count > 0 && _leases[0].ExpiresAt <= now)
        {
            RateLimitingDiagnostics.PermitsExpired.Add(_leases[0].Count);
            _leases.RemoveAt(0);
            _batch = Math.Max(1, _batch / 2); // leased more than the traffic used
        }

        if (Available(now) < permitCount)
        {
            return false;
        }

        for (int i = 0; permitCount > 0; i++)
        {
            var (count, expiresAt) = _leases[i];
            int take = Math.Min(count, permitCount);
            _leases[i] = (count - take, expiresAt);
            permitCount -= take;
        }

        _leases.RemoveAll(l => l.Count == 0);
        return true;
    }

    private int Available(long now)
    {
        int sum = 0;
        foreach (var (count, expiresAt) in _leases)
        {
            sum += expiresAt > now ? count : 0;
        }

        return sum;
    }

    private Task StartRefill()
    {
        if (_refill is not null)
        {
            return _refill;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _refill = done.Task;
        // the adaptive batch, or what the callers already waiting need if that is more
        int wanted = Math.Min(_maxBatch, Math.Max(_batch, _waitingPermits));
        _batch = Math.Min(_maxBatch, _batch * 2);
        _ = RefillAsync(wanted, done);
        return done.Task;
    }

    private async Task RefillAsync(int wanted, TaskCompletionSource done)
    {
        long sent = Stopwatch.GetTimestamp();
        try
        {
            RateLimitingDiagnostics.LeaseRequests.Add(1);
            Interlocked.Increment(ref owner.LeaseRequestCount);
            var options = owner.Options;
            // A slow Redis must not hold requests: past RedisTimeout the limiter decides locally, as when Redis is down.
            var reply = (RedisResult[])(await owner.Redis.GetDatabase().ScriptEvaluateAsync(GcraScript.Lease, [_redisKey], [options.EmissionIntervalMs, options.SharedDepth, wanted])
                .WaitAsync(options.RedisTimeout).ConfigureAwait(false))!;
            int granted = (int)(long)reply[0];
            long retryMs = (long)reply[1];
            lock (_gate)
            {
                if (granted > 0)
                {
                    RateLimitingDiagnostics.PermitsLeased.Add(granted);
                    _leases.Add((granted, sent + _leaseTicks));
                    _lastGranted = granted;
                }
                else
                {
                    _emptyUntil = Stopwatch.GetTimestamp() + (long)(retryMs / 1000.0 * Stopwatch.Frequency);
                }
            }
        }
        catch (Exception ex)
        {
            // any failure, not only RedisException: an unexpected one must not leave callers spinning on refills
            lock (_gate)
            {
                DecideLocallyForASecond("Redis could not be reached", ex);
            }
        }
        finally
        {
            lock (_gate)
            {
                _refill = null;
            }

            done.TrySetResult();
        }
    }

    private RateLimitLease DecideWithoutRedis(int permitCount)
    {
        RateLimitingDiagnostics.FallbackDecisions.Add(1);
        if (!owner.Options.FailOpen)
        {
            return DistributedLease.RejectedFor(TimeSpan.FromSeconds(1));
        }

        _fallback ??= owner.CreateFallback();
        var lease = _fallback.AttemptAcquire(permitCount);
        if (!lease.IsAcquired)
        {
            RateLimitingDiagnostics.Rejected.Add(1, new KeyValuePair<string, object?>("ratelimit.source", "fallback"));
        }

        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _fallback?.Dispose();
        }

        base.Dispose(disposing);
    }
}
