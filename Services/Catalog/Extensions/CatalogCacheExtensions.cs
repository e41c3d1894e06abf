using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Locking.Distributed.Redis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Platform.Catalog.Extensions;

internal static class CatalogCacheExtensions
{
    /// <summary>The connection (and AppHost resource) of the catalog cache's Redis, which evicts its least recently used keys when full.</summary>
    public const string RedisName = "catalog-cache";

    /// <summary>
    /// FusionCache: a bounded memory level in front of Redis (the shared level, through the connection Aspire's
    /// <c>AddKeyedRedisClient</c> registered for <see cref="RedisName"/>), a Redis backplane that tells the other replicas of every change, and a Redis
    /// lock so that a missing key is computed once across replicas. Entry settings: <see cref="CatalogCacheOptions"/>.
    /// </summary>
    public static IHostApplicationBuilder AddCatalogCache(this IHostApplicationBuilder builder, CatalogCacheOptions settings)
    {
        static Task<IConnectionMultiplexer> Shared(IServiceProvider services) => Task.FromResult(services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisName));

        // the catalog's own types first; the cache's envelope around them by reflection (read from Redis only)
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(CatalogJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };

        builder.Services.AddFusionCache()
            .WithOptions(options =>
            {
                options.CacheKeyPrefix = "catalog-cache:";
                // while Redis fails, stop trying it for a moment: reads go to memory and PostgreSQL at full speed
                options.DistributedCacheCircuitBreakerDuration = TimeSpan.FromSeconds(2);
                options.BackplaneCircuitBreakerDuration = TimeSpan.FromSeconds(2);
            })
            .WithDefaultEntryOptions(settings.ItemEntry())
            .WithMemoryCache(new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.MemorySizeLimit }))
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(json))
            .WithDistributedCache(services => new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Shared(services) }))
            .WithBackplane(services => new RedisBackplane(
                Microsoft.Extensions.Options.Options.Create(new RedisBackplaneOptions { ConnectionMultiplexerFactory = () => Shared(services) }),
                services.GetService<ILogger<RedisBackplane>>()))
            .WithDistributedLocker(services => new RedisDistributedLocker(
                Microsoft.Extensions.Options.Options.Create(new RedisDistributedLockerOptions { ConnectionMultiplexerFactory = () => Shared(services) }),
                services.GetService<ILogger<RedisDistributedLocker>>()));
        return builder;
    }
}
