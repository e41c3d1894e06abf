using Platform.Order.Infrastructure;
using Platform.Order.IntegrationEvents;

namespace Platform.Order.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // FailFast: while Redis is unreachable a command fails at once instead of queueing until its timeout, so
        // the cache, the limiter and the locks fall back within milliseconds (docs/caching.md, "Redis down").
        builder.AddRedisClient("cache", configureOptions: options => options.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast);
        builder.AddServiceDatabase("orderdb");
        builder.AddRabbitMQMessaging("messaging", bus =>
        {
            bus.AddConsumer<StockReservedConsumer>();
            bus.AddConsumer<StockRejectedConsumer>();
            bus.AddConsumer<PaymentSucceededConsumer>();
            bus.AddConsumer<PaymentFailedConsumer>();
        });
        builder.AddTransactionalOutbox();
        builder.AddInbox();

        builder.Services.AddHostedService<OrderingSchema>();
        builder.Services.AddOptions<OrderingOptions>().BindConfiguration("Ordering");
        builder.Services.AddSingleton<OrderRepository>();
        builder.Services.AddHostedService<OrderTimeoutSweeper>();
        builder.Services.AddHttpClient<CatalogClient>(client => client.BaseAddress = new Uri("https+http://catalog"));
    }
}
