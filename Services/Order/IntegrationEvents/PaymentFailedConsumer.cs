using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
using Platform.Order.Infrastructure;
using Platform.Order.Model;

namespace Platform.Order.IntegrationEvents;

public sealed class PaymentFailedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<PaymentFailed>(dataSource, outbox)
{
    protected override Task HandleAsync(ConsumeContext<PaymentFailed> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, context.Message.OrderId, OrderTrigger.PaymentFailed, $"payment failed: {context.Message.Reason}", PaymentAnswer.Of(context.Message), transaction, context.CancellationToken);
}
