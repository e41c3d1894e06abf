using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Notification.Infrastructure;

namespace Platform.Notification.IntegrationEvents;

public sealed class PaymentRefundedNotifier(NpgsqlDataSource dataSource, NotificationFeed feed) : InboxConsumer<PaymentRefunded>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<PaymentRefunded> context, NpgsqlTransaction transaction) =>
        feed.AddAsync(OrderSubmittedNotifier.Notify(context, context.Message.BuyerId, context.Message.OrderId, "PaymentRefunded",
            string.Create(CultureInfo.InvariantCulture, $"We refunded your payment of {context.Message.Amount:0.00}: {context.Message.Reason}.")), transaction, context.CancellationToken);
}
