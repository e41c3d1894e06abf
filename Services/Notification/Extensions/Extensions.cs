using Platform.Notification.Infrastructure;
using Platform.Notification.IntegrationEvents;

namespace Platform.Notification.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // FailFast: while Redis is unreachable a command fails at once instead of queueing until its timeout, so
        // the cache, the limiter and the locks fall back within milliseconds (docs/caching.md, "Redis down").
        builder.AddRedisClient("cache", configureOptions: options => options.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast);
        builder.AddServiceDatabase("notificationdb");
        builder.AddRabbitMQMessaging("messaging", bus =>
        {
            bus.AddConsumer<OrderSubmittedNotifier>();
            bus.AddConsumer<OrderConfirmedNotifier>();
            bus.AddConsumer<OrderCancelledNotifier>();
        });
        builder.AddInbox();

        builder.Services.AddHostedService<NotificationSchema>();
        builder.Services.AddSingleton<NotificationFeed>();
    }
}
