using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Notification.Infrastructure;

namespace Platform.Notification.IntegrationEvents;

public sealed class OrderCancelledNotifier(NpgsqlDataSource dataSource, NotificationFeed feed) : InboxConsumer<OrderCancelled>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<OrderCancelled> context, NpgsqlTransaction transaction) =>
        feed.AddAsync(OrderSubmittedNotifier.Notify(context, context.Message.BuyerId, context.Message.OrderId, "OrderCancelled",
            $"Your order was cancelled: {context.Message.Reason}."), transaction, context.CancellationToken);
}
