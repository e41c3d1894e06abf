using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Locking;

namespace Microsoft.Extensions.Hosting;

public static class LockingHostingExtensions
{
    /// <summary>Registers <see cref="IDistributedLockProvider"/> on the <c>IConnectionMultiplexer</c> registered by <c>AddRedisClient</c> (Aspire.StackExchange.Redis).</summary>
    public static IHostApplicationBuilder AddDistributedLocks(this IHostApplicationBuilder builder, Action<DistributedLockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<DistributedLockOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<RedisDistributedLockProvider>();
        builder.Services.TryAddSingleton<IDistributedLockProvider>(sp => sp.GetRequiredService<RedisDistributedLockProvider>());
        return builder;
    }
}
