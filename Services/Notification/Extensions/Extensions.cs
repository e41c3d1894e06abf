using Platform.Notification.Infrastructure;
using Platform.Notification.IntegrationEvents;

namespace Platform.Notification.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("cache");
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
