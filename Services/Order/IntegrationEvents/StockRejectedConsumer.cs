using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
using Platform.Order.Infrastructure;
using Platform.Order.Model;

namespace Platform.Order.IntegrationEvents;

public sealed class StockRejectedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<StockRejected>(dataSource, outbox)
{
    protected override Task HandleAsync(ConsumeContext<StockRejected> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, context.Message.OrderId, OrderTrigger.StockRejected, context.Message.Reason, null, transaction, context.CancellationToken);
}
