using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.ServiceDefaults.Web;

namespace Platform.Catalog.Extensions;

public static class Extensions
{
    /// <summary>Everything the catalog registers: its clients, cache, data access, inventory and background work.</summary>
    public static IHostApplicationBuilder AddCatalogServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("cache");
        builder.AddNpgsqlDataSource("catalogdb");
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString("messaging")))
        {
            // no consumers yet (the order flow brings the contracts); the reference is kept so readiness covers it
            builder.AddRabbitMQClient("messaging");
        }

        // Redis is an accelerator here: without it reads go to L1 and PostgreSQL, so its absence degrades, not fails
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name == "redis"))
            {
                registration.FailureStatus = HealthStatus.Degraded;
            }
        });

        builder.AddTwoLevelCache(options =>
        {
            options.KeyPrefix = "catalog-cache";
            options.LocalSizeLimit = 50_000;
            options.AddJsonContext(CatalogJsonContext.Default);
        });
        builder.Services.Configure<CatalogCacheOptions>(builder.Configuration.GetSection("Catalog:Cache"));
        builder.Services.Configure<CacheWarmUpOptions>(builder.Configuration.GetSection("Catalog:WarmUp"));

        builder.Services.AddSingleton<CatalogMigrator>();
        builder.Services.AddSingleton<CatalogRepository>();
        builder.Services.AddSingleton<CatalogReader>();
        builder.Services.AddSingleton<Platform.Catalog.Apis.CachedItemJson>();
        builder.Services.AddSingleton<BestsellerRanking>();
        builder.Services.AddSingleton<InventoryService>();
        builder.Services.AddSingleton<CatalogInvalidator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogInvalidator>());
        builder.Services.AddSingleton<CacheWarmer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CacheWarmer>());

        builder.Services.AddJsonTypeInfoResolver(CatalogJsonContext.Default);
        builder.Services.AddOpenApi();
        return builder;
    }
}
