using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Notification.Infrastructure;

namespace Platform.Notification.IntegrationEvents;

public sealed class OrderConfirmedNotifier(NpgsqlDataSource dataSource, NotificationFeed feed) : InboxConsumer<OrderConfirmed>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<OrderConfirmed> context, NpgsqlTransaction transaction) =>
        feed.AddAsync(OrderSubmittedNotifier.Notify(context, context.Message.BuyerId, context.Message.OrderId, "OrderConfirmed",
            string.Create(CultureInfo.InvariantCulture, $"Your order is confirmed and paid ({context.Message.Total:0.00}).")), transaction, context.CancellationToken);
}
