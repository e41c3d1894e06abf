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
public sealed class StockReservedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<StockReserved>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<StockReserved> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.StockReserved, null, transaction, context.CancellationToken);
}

public sealed class StockRejectedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<StockRejected>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<StockRejected> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.StockRejected, context.Message.Reason, transaction, context.CancellationToken);
}

public sealed class PaymentSucceededConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<PaymentSucceeded>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<PaymentSucceeded> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.PaymentSucceeded, null, transaction, context.CancellationToken);
}

public sealed class PaymentFailedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<PaymentFailed>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<PaymentFailed> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.PaymentFailed, $"payment failed: {context.Message.Reason}", transaction, context.CancellationToken);
}

internal static class OrderTriggerHandler
{
    public static async Task ApplyAsync(OrderRepository orders, IOutbox outbox, Guid orderId, OrderTrigger trigger, string? reason, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // An unknown order id is not retried: the event is about an order this service never stored.
        var transition = await orders.ApplyAsync(orderId, trigger, reason, transaction, cancellationToken);
        if (transition is { Effects: not OrderEffects.None })
        {
            // The consumer commits after this returns; the dispatcher's next poll (or this wake-up) sends the events.
            outbox.NotifyCommitted();
        }
    }
}
