using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
using Platform.Order.Infrastructure;
using Platform.Order.Model;

namespace Platform.Order.IntegrationEvents;

public sealed partial class PaymentSucceededConsumer(NpgsqlDataSource dataSource, OrderRepository orders, IOutbox outbox, ILogger<PaymentSucceededConsumer> logger) : InboxConsumer<PaymentSucceeded>(dataSource, outbox)
{
    protected override async Task HandleAsync(ConsumeContext<PaymentSucceeded> context, NpgsqlTransaction transaction)
    {
        var payment = context.Message;
        var transition = await OrderTriggerHandler.ApplyAsync(
            orders, payment.OrderId, OrderTrigger.PaymentSucceeded, null, PaymentAnswer.Of(payment), transaction, context.CancellationToken);
        if (transition is not null && transition.Effects.HasFlag(OrderEffects.RequestRefund))
        {
            LogLatePayment(payment.OrderId, payment.PaymentId, payment.Amount);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} of {Amount} succeeded for order {OrderId}, already cancelled; refund requested")]
    private partial void LogLatePayment(Guid orderId, string paymentId, decimal amount);
}
