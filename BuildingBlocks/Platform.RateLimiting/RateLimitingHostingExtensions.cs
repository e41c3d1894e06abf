using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Platform.RateLimiting;

namespace Microsoft.Extensions.Hosting;

public static class RateLimitingHostingExtensions
{
    /// <summary>
    /// Registers the distributed limiter as the ASP.NET Core rate-limiting policy
    /// <see cref="DistributedRateLimiterOptions.PolicyName"/> (and as the global limiter when
    /// <see cref="DistributedRateLimiterOptions.Global"/>); rejections get 429 and Retry-After. The application still
    /// calls <c>app.UseRateLimiter()</c>. Needs the <c>IConnectionMultiplexer</c> registered by <c>AddRedisClient</c> (Aspire.StackExchange.Redis).
    /// </summary>
    public static IHostApplicationBuilder AddDistributedRateLimiter(this IHostApplicationBuilder builder, Action<DistributedRateLimiterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new DistributedRateLimiterOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<DistributedRateLimiterFactory>();
        builder.Services.AddRateLimiter(rateLimiter =>
        {
            rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rateLimiter.OnRejected = DistributedRateLimiterPolicy.WriteRetryAfter;
            rateLimiter.AddPolicy<string, DistributedRateLimiterPolicy>(options.PolicyName);
        });
        if (options.Global)
        {
            builder.Services.AddOptions<RateLimiterOptions>().Configure<DistributedRateLimiterFactory>(
                (rateLimiter, factory) => rateLimiter.GlobalLimiter = factory.CreatePartitioned<HttpContext>(options.PartitionKey));
        }

        return builder;
    }
}
