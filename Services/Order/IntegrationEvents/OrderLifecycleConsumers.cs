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

public sealed class StockRejectedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<StockRejected>(dataSource, outbox)
{
    protected override Task HandleAsync(ConsumeContext<StockRejected> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, context.Message.OrderId, OrderTrigger.StockRejected, context.Message.Reason, null, transaction, context.CancellationToken);
}

public sealed partial class PaymentSucceededConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox, ILogger<PaymentSucceededConsumer> logger) : InboxConsumer<PaymentSucceeded>(dataSource, outbox)
{
    protected override async Task HandleAsync(ConsumeContext<PaymentSucceeded> context, NpgsqlTransaction transaction)
    {
        var payment = context.Message;
        var transition = await OrderTriggerHandler.ApplyAsync(
            orders, payment.OrderId, OrderTrigger.PaymentSucceeded, null, payment, transaction, context.CancellationToken);
        if (transition is not null && transition.Effects.HasFlag(OrderEffects.RequestRefund))
        {
            LogLatePayment(payment.OrderId, payment.PaymentId, payment.Amount);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} of {Amount} succeeded for order {OrderId}, already cancelled; refund requested")]
    private partial void LogLatePayment(Guid orderId, string paymentId, decimal amount);
}

public sealed class PaymentFailedConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox) : InboxConsumer<PaymentFailed>(dataSource, outbox)
{
    protected override Task HandleAsync(ConsumeContext<PaymentFailed> context, NpgsqlTransaction transaction) =>
        OrderTriggerHandler.ApplyAsync(orders, context.Message.OrderId, OrderTrigger.PaymentFailed, $"payment failed: {context.Message.Reason}", null, transaction, context.CancellationToken);
}

internal static class OrderTriggerHandler
{
    // An unknown order id is not retried: the event is about an order this service never stored. The events the
    // transition writes leave once the consumer's transaction commits (InboxConsumer wakes the dispatcher then).
    public static Task<OrderTransition?> ApplyAsync(
        OrderRepository orders, Guid orderId, OrderTrigger trigger, string? reason, PaymentSucceeded? payment, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        orders.ApplyAsync(orderId, trigger, reason, payment, transaction, cancellationToken);
}
