using MassTransit;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;

namespace Platform.Catalog.IntegrationEvents;

/// <summary>Feeds the bestseller ranking from paid orders. At least once: a crash between the ranking's update and
/// the inbox commit counts that order twice, which a ranking tolerates.</summary>
public sealed class OrderPaidConsumer(NpgsqlDataSource dataSource, Infrastructure.BestsellerRanking ranking) : InboxConsumer<OrderPaid>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<OrderPaid> context, NpgsqlTransaction transaction)
    {
        foreach (var line in context.Message.Lines)
        {
            await ranking.RecordSaleAsync(line.ProductId, line.Quantity, context.CancellationToken);
        }
    }
}
