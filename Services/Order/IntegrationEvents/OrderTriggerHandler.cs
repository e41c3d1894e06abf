using Npgsql;
using Platform.Order.Infrastructure;
using Platform.Order.Model;

namespace Platform.Order.IntegrationEvents;

internal static class OrderTriggerHandler
{
    // An unknown order id is not retried: the event is about an order this service never stored. The events the
    // transition writes leave once the consumer's transaction commits (InboxConsumer wakes the dispatcher then).
    public static Task<OrderTransition?> ApplyAsync(
        OrderRepository orders, Guid orderId, OrderTrigger trigger, string? reason, PaymentAnswer? answer, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        orders.ApplyAsync(orderId, trigger, reason, answer, transaction, cancellationToken);
}
