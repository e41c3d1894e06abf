using Platform.Contracts.IntegrationEvents;
using Platform.Notification.Infrastructure;
using Platform.Notification.IntegrationEvents;

namespace Platform.Notification.Extensions;

internal static class Extensions
{
    /// <summary>Everything the notification service registers: its clients, database and schema, messaging and background work.</summary>
    public static IHostApplicationBuilder AddNotificationServices(this IHostApplicationBuilder builder)
    {
        builder.AddStateRedis("cache");
        builder.AddServiceDatabase("notificationdb").AddSchemaMigrations("notification", NotificationSchema.Migrations);
        builder.AddRabbitMQMessaging("messaging", bus =>
        {
            bus.AddConsumer<OrderSubmittedNotifier>();
            bus.AddConsumer<OrderConfirmedNotifier>();
            bus.AddConsumer<OrderCancelledNotifier>();
            bus.AddConsumer<PaymentRefundedNotifier>();
        });
        builder.DeclareSubscriptions(Subscriptions.All);
        builder.AddInbox();

        builder.Services.AddSingleton<NotificationFeed>();
        builder.Services.AddSingleton<StreamLeases>();
        builder.AddTokenValidation();
        return builder;
    }
}
