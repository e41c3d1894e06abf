using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
using Platform.Order.Infrastructure;
using Platform.Order.Model;

namespace Platform.Order.IntegrationEvents;

/// <summary>Each consumer turns one event into a trigger of the state machine, inside its inbox transaction, so the
/// status change, the events it causes and the "already processed" mark commit together.</summary>
public sealed class StockReservedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<StockReserved>(dataSource, outbox)
{
    protected override Task HandleAsync(ConsumeContext<StockReserved> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, context.Message.OrderId, OrderTrigger.StockReserved, null, null, transaction, context.CancellationToken);
}
