using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Platform.RateLimiting;

/// <summary>The ASP.NET Core policy: partitions by <see cref="DistributedRateLimiterOptions.PartitionKey"/>, answers 429 with Retry-After.</summary>
public sealed class DistributedRateLimiterPolicy(DistributedRateLimiterFactory factory) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => WriteRetryAfter;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.Get(factory.Options.PartitionKey(httpContext), factory.CreatePartition);

    /// <summary>Sets Retry-After (whole seconds, at least 1) from the lease's hint.</summary>
    public static ValueTask WriteRetryAfter(OnRejectedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var hint) ? hint : TimeSpan.FromSeconds(1);
        context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ValueTask.CompletedTask;
    }
}
