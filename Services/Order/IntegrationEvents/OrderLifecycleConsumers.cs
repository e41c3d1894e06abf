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
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.StockReserved, null, null, transaction, context.CancellationToken);
}

public sealed class StockRejectedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<StockRejected>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<StockRejected> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.StockRejected, context.Message.Reason, null, transaction, context.CancellationToken);
}

public sealed partial class PaymentSucceededConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox, ILogger<PaymentSucceededConsumer> logger)
    : InboxConsumer<PaymentSucceeded>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<PaymentSucceeded> context, NpgsqlTransaction transaction)
    {
        var payment = context.Message;
        var transition = await OrderTriggerHandler.ApplyAsync(
            orders, outbox, payment.OrderId, OrderTrigger.PaymentSucceeded, null, payment, transaction, context.CancellationToken);
        if (transition is not null && transition.Effects.HasFlag(OrderEffects.RequestRefund))
        {
            LogLatePayment(payment.OrderId, payment.PaymentId, payment.Amount);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} of {Amount} succeeded for order {OrderId}, already cancelled; refund requested")]
    private partial void LogLatePayment(Guid orderId, string paymentId, decimal amount);
}

public sealed class PaymentFailedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<PaymentFailed>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<PaymentFailed> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, outbox, context.Message.OrderId, OrderTrigger.PaymentFailed, $"payment failed: {context.Message.Reason}", null, transaction, context.CancellationToken);
}

internal static class OrderTriggerHandler
{
    public static async Task<OrderTransition?> ApplyAsync(
        OrderRepository orders, IOutbox outbox, Guid orderId, OrderTrigger trigger, string? reason, PaymentSucceeded? payment, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // An unknown order id is not retried: the event is about an order this service never stored.
        var transition = await orders.ApplyAsync(orderId, trigger, reason, payment, transaction, cancellationToken);
        if (transition is { Effects: not OrderEffects.None })
        {
            // The consumer commits after this returns; the dispatcher's next poll (or this wake-up) sends the events.
            outbox.NotifyCommitted();
        }

        return transition;
    }
}
