using MassTransit;
using Platform.Catalog.Inventory;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;

namespace Platform.Catalog.IntegrationEvents;

/// <summary>
/// Reserves an order's stock (all lines or none) and answers StockReserved or StockRejected through the outbox, in
/// the inbox transaction. The reservation commits on its own, keyed by order id, so a redelivery after a crash finds
/// it and answers the same; a rejection leaves nothing behind and is decided again on redelivery.
/// </summary>
public sealed class OrderSubmittedConsumer(NpgsqlDataSource dataSource, InventoryService inventory, IOutbox outbox) : InboxConsumer<OrderSubmitted>(dataSource, outbox)
{
    protected override async Task HandleAsync(ConsumeContext<OrderSubmitted> context, NpgsqlTransaction transaction)
    {
        var order = context.Message;
        var result = await inventory.ReserveAsync(order.OrderId, [.. order.Lines.Select(l => new ReservationLine(l.ProductId, l.Quantity))], context.CancellationToken);
        object answer = result.Status switch
        {
            ReservationStatus.Reserved => new StockReserved(order.OrderId),
            ReservationStatus.AlreadyReleased => new StockRejected(order.OrderId, "the reservation was already released"),
            _ => new StockRejected(order.OrderId, $"not enough stock for item(s) {string.Join(", ", result.InsufficientItemIds)}"),
        };
        await Outbox.AddAsync(answer, transaction, context.CancellationToken);
    }
}
