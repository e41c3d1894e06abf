using Platform.Contracts.IntegrationEvents;
using Platform.Order.Infrastructure;
using Platform.Order.IntegrationEvents;

namespace Platform.Order.Extensions;

internal static class Extensions
{
    /// <summary>Everything the order service registers: its clients, database and schema, messaging and background work.</summary>
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.AddStateRedis("cache");
        builder.AddServiceDatabase("orderdb").AddSchemaMigrations("order", OrderSchema.Migrations);
        builder.AddRabbitMQMessaging("messaging", bus =>
        {
            bus.AddConsumer<StockReservedConsumer>();
            bus.AddConsumer<StockRejectedConsumer>();
            bus.AddConsumer<PaymentSucceededConsumer>();
            bus.AddConsumer<PaymentFailedConsumer>();
        });
        builder.DeclareSubscriptions(Subscriptions.All);
        builder.AddTransactionalOutbox();
        builder.AddInbox();

        builder.Services.AddOptions<OrderingOptions>().BindConfiguration("Ordering");
        builder.Services.AddSingleton<OrderRepository>();
        builder.Services.AddHostedService<OrderTimeoutSweeper>();
        builder.Services.AddHttpClient<CatalogClient>(client => client.BaseAddress = new Uri("https+http://catalog"))
            .AddServiceToken(PlatformAccess.CatalogInternalScope);
        builder.AddTokenValidation();
        builder.AddAdmissionTokens();
        return builder;
    }
}
