using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Platform.RateLimiting;

/// <summary>Creates the per-partition limiters that share one Redis bucket per partition key across instances.</summary>
public sealed class DistributedRateLimiterFactory
{
    internal long LeaseRequestCount;
    private long _nextWarningAt;

    public DistributedRateLimiterFactory(IConnectionMultiplexer redis, DistributedRateLimiterOptions options, ILogger<DistributedRateLimiterFactory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Redis = redis;
        Logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public DistributedRateLimiterOptions Options { get; }

    internal IConnectionMultiplexer Redis { get; }

    internal ILogger Logger { get; }

    /// <summary>The limiter of one partition key (the caller owns and disposes it).</summary>
    public RateLimiter CreatePartition(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return new LeasedPartitionLimiter(this, partitionKey);
    }

    /// <summary>A partitioned limiter for any resource type, e.g. message consumers or outgoing calls.</summary>
    public PartitionedRateLimiter<TResource> CreatePartitioned<TResource>(Func<TResource, string> partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return PartitionedRateLimiter.Create<TResource, string>(resource => RateLimitPartition.Get(partitionKey(resource), CreatePartition));
    }

    /// <summary>
    /// True at most once every 10 s: when Redis is down or slow every partition decides locally, and thousands of
    /// partitions (one per buyer at a sale) would each log the same warning every second. The metric
    /// <c>platform.ratelimit.fallback</c> counts every local decision.
    /// </summary>
    internal bool TakeWarningTurn()
    {
        long now = Stopwatch.GetTimestamp();
        long next = Volatile.Read(ref _nextWarningAt);
        return now >= next && Interlocked.CompareExchange(ref _nextWarningAt, now + (10 * Stopwatch.Frequency), next) == next;
    }

    internal RateLimiter CreateFallback()
    {
        int limit = Options.FallbackPermitLimit ?? Options.PermitLimit;
        const int slices = 10;
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, Options.Burst),
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(limit / (double)slices)),
            ReplenishmentPeriod = Options.Window / slices,
            AutoReplenishment = true,
            QueueLimit = 0,
        });
    }
}
