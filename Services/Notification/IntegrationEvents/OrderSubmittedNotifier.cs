using System.Globalization;
using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Notification.Infrastructure;

namespace Platform.Notification.IntegrationEvents;

/// <summary>One consumer per lifecycle event; the notification id is the message id, so a redelivery stores nothing
/// new and the feed holds each notification once.</summary>
public sealed class OrderSubmittedNotifier(NpgsqlDataSource dataSource, NotificationFeed feed) : InboxConsumer<OrderSubmitted>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<OrderSubmitted> context, NpgsqlTransaction transaction) =>
        feed.AddAsync(Notify(context, context.Message.BuyerId, context.Message.OrderId, "OrderReceived",
            string.Create(CultureInfo.InvariantCulture, $"We received your order of {context.Message.Total:0.00}.")), transaction, context.CancellationToken);

    internal static Model.Notification Notify(ConsumeContext context, string buyerId, Guid orderId, string kind, string message) =>
        new(context.MessageId ?? NewId.NextGuid(), buyerId, orderId, kind, message, DateTimeOffset.UtcNow);
}
