using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Caching;

namespace Microsoft.Extensions.Hosting;

public static class TwoLevelCacheHostingExtensions
{
    /// <summary>
    /// Registers <see cref="ITwoLevelCache"/> (singleton <see cref="TwoLevelCache"/>) on top of the
    /// <c>RedisConnection</c> registered by <c>AddRedisClient</c>. Register the cached types' source-generated JSON
    /// contexts in <paramref name="configure"/> with <see cref="TwoLevelCacheOptions.AddJsonContext"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTwoLevelCache(this IHostApplicationBuilder builder, Action<TwoLevelCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<TwoLevelCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<TwoLevelCache>();
        builder.Services.TryAddSingleton<ITwoLevelCache>(sp => sp.GetRequiredService<TwoLevelCache>());
        return builder;
    }
}
