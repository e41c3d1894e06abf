using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Catalog.IntegrationEvents;
using Platform.Contracts.IntegrationEvents;
using Platform.ServiceDefaults.Web;

namespace Platform.Catalog.Extensions;

public static class Extensions
{
    /// <summary>Everything the catalog registers: its clients, cache, data access, inventory and background work.</summary>
    public static IHostApplicationBuilder AddCatalogServices(this IHostApplicationBuilder builder)
    {
        builder.AddStateRedis("cache");
        // the cache's own Redis, which evicts (AppHost): nothing but cached copies goes there
        builder.AddKeyedRedisClient(CatalogCacheExtensions.RedisName, configureOptions: options => options.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast);
        builder.AddServiceDatabase("catalogdb").AddSchemaMigrations("catalog", CatalogSchema.Migrations);
        // inventory and bestsellers for the order flow
        builder.AddRabbitMQMessaging("messaging", bus =>
        {
            bus.AddConsumer<OrderSubmittedConsumer>();
            bus.AddConsumer<StockReleaseRequestedConsumer>();
            bus.AddConsumer<OrderPaidConsumer>();
        });
        builder.DeclareSubscriptions(Subscriptions.All);
        builder.AddTransactionalOutbox();
        builder.AddInbox();

        // Redis is an accelerator here: without it reads go to memory and PostgreSQL, so its absence degrades, not fails
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name.StartsWith("StackExchange.Redis", StringComparison.Ordinal)))
            {
                registration.FailureStatus = HealthStatus.Degraded;
            }
        });

        builder.Services.Configure<CatalogCacheOptions>(builder.Configuration.GetSection("Catalog:Cache"));
        builder.AddCatalogCache(builder.Configuration.GetSection("Catalog:Cache").Get<CatalogCacheOptions>() ?? new());
        builder.Services.Configure<CacheWarmUpOptions>(builder.Configuration.GetSection("Catalog:WarmUp"));

        builder.Services.AddSingleton<CatalogRepository>();
        builder.Services.AddSingleton<CatalogReader>();
        builder.Services.AddSingleton<Platform.Catalog.Apis.CachedItemJson>();
        builder.Services.AddSingleton<BestsellerRanking>();
        builder.Services.AddSingleton<InventoryService>();
        builder.Services.AddSingleton<CatalogInvalidator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogInvalidator>());
        builder.Services.AddSingleton<CacheWarmer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CacheWarmer>());

        // writes need an administrator; the internal endpoints answer services only (a token with catalog.internal)
        builder.AddTokenValidation();

        builder.Services.AddJsonTypeInfoResolver(CatalogJsonContext.Default);
        return builder;
    }
}
