using MassTransit;
using Platform.Catalog.Inventory;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;

namespace Platform.Catalog.IntegrationEvents;

/// <summary>Gives a cancelled order's stock back; releasing twice, or an order never reserved, changes nothing.</summary>
public sealed class StockReleaseRequestedConsumer(NpgsqlDataSource dataSource, InventoryService inventory) : InboxConsumer<StockReleaseRequested>(dataSource)
{
    protected override Task HandleAsync(ConsumeContext<StockReleaseRequested> context, NpgsqlTransaction transaction) =>
        inventory.ReleaseAsync(context.Message.OrderId, context.CancellationToken);
}
