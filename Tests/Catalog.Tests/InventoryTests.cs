using MassTransit;
using Platform.Contracts.IntegrationEvents;

namespace Platform.Catalog.Tests;

/// <summary>The catalog's side of the order flow, driven as the order service drives it: over RabbitMQ.</summary>
[Collection(CatalogCollection.Name)]
public sealed class InventoryTests(CatalogFixture fixture)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    private static OrderSubmitted Order(params (int ItemId, int Quantity)[] lines) =>
        new(Guid.NewGuid(), "inventory-tests", [.. lines.Select(l => new OrderLine(l.ItemId, l.Quantity, 1m))], lines.Sum(l => l.Quantity), DateTimeOffset.UtcNow);

    private async Task<int> StockAsync(int itemId) => await fixture.ScalarAsync<int>($"SELECT available_stock FROM catalog_items WHERE id = {itemId}");

    private Task PublishAsync<T>(T message)
        where T : class => fixture.Publisher.Publish(message, context => context.MessageId = NewId.NextGuid(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Five_hundred_concurrent_orders_of_one_unit_against_100_in_stock_reserve_exactly_100()
    {
        var item = await fixture.Replica0.CreateAsync("Flash Sale Headphones", stock: 100);
        var orders = Enumerable.Range(0, 500).Select(_ => Order((item.Id, 1))).ToList();
        await Task.WhenAll(orders.Select(PublishAsync));

        // both replicas consume the queue: the decrements race across processes, and the row's check settles them
        var answers = await Task.WhenAll(orders.Select(o => CatalogFixture.StockAnswersAsync(o.OrderId, 1, AnswerTimeout)));
        Assert.Equal(100, answers.Count(a => a.Single() is StockReserved));
        Assert.Equal(400, answers.Count(a => a.Single() is StockRejected));
        Assert.Equal(0, await StockAsync(item.Id));
        Assert.Equal(100L, await fixture.ScalarAsync<long>($"SELECT coalesce(sum(quantity), 0) FROM inventory_reservation_lines WHERE item_id = {item.Id}"));
        // the cached product shows the new stock on both replicas
        Assert.Equal(0, (await (await fixture.Replica1.GetAsync($"/api/catalog/items/{item.Id}")).ItemAsync()).AvailableStock);
        Assert.Equal(0, (await (await fixture.Replica0.GetAsync($"/api/catalog/items/{item.Id}")).ItemAsync()).AvailableStock);
    }

    [Fact]
    public async Task An_order_reserves_every_line_or_none()
    {
        var plenty = await fixture.Replica0.CreateAsync("Plenty Bottle", stock: 50);
        var scarce = await fixture.Replica0.CreateAsync("Scarce Bottle", stock: 1);
        var order = Order((plenty.Id, 5), (scarce.Id, 2));
        await PublishAsync(order);

        var rejected = Assert.IsType<StockRejected>(Assert.Single(await CatalogFixture.StockAnswersAsync(order.OrderId, 1, AnswerTimeout)));
        Assert.Contains(scarce.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), rejected.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(plenty.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(50, await StockAsync(plenty.Id));
        Assert.Equal(1, await StockAsync(scarce.Id));
    }

    [Fact]
    public async Task An_order_published_twice_reserves_once_and_its_release_gives_stock_back_once()
    {
        var item = await fixture.Replica0.CreateAsync("Idempotent Tent", stock: 10);
        var order = Order((item.Id, 4));
        await Task.WhenAll(PublishAsync(order), PublishAsync(order));
        var answers = await CatalogFixture.StockAnswersAsync(order.OrderId, 2, AnswerTimeout);
        Assert.All(answers, a => Assert.IsType<StockReserved>(a));
        Assert.Equal(6, await StockAsync(item.Id));

        var releases = new[] { new StockReleaseRequested(order.OrderId), new StockReleaseRequested(order.OrderId) };
        var releaseIds = new[] { NewId.NextGuid(), NewId.NextGuid() };
        for (var i = 0; i < releases.Length; i++)
        {
            var id = releaseIds[i];
            await fixture.Publisher.Publish(releases[i], context => context.MessageId = id, TestContext.Current.CancellationToken);
        }

        // both releases consumed (each recorded in the inbox with its effect), and only one gave the stock back
        await WaitUntilAsync(async () => await fixture.ScalarAsync<long>(
            $"SELECT count(*) FROM inbox_messages WHERE message_id IN ('{releaseIds[0]}', '{releaseIds[1]}')") == 2);
        Assert.Equal(10, await StockAsync(item.Id));
        Assert.Equal(10, (await (await fixture.Replica0.GetAsync($"/api/catalog/items/{item.Id}")).ItemAsync()).AvailableStock);

        // an order whose stock went back is not reserved again by a late duplicate
        await PublishAsync(order);
        var late = (await CatalogFixture.StockAnswersAsync(order.OrderId, 3, AnswerTimeout))[2];
        Assert.Contains("already released", Assert.IsType<StockRejected>(late).Reason, StringComparison.Ordinal);
        Assert.Equal(10, await StockAsync(item.Id));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(AnswerTimeout);
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
