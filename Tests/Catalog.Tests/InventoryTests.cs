namespace Platform.Catalog.Tests;

[Collection(CatalogCollection.Name)]
public sealed class InventoryTests(CatalogFixture fixture)
{
    private static ReservationRequest Order(params (int ItemId, int Quantity)[] lines) =>
        new(Guid.NewGuid(), [.. lines.Select(l => new ReservationLine(l.ItemId, l.Quantity))]);

    private async Task<int> StockAsync(int itemId) => await fixture.ScalarAsync<int>($"SELECT available_stock FROM catalog_items WHERE id = {itemId}");

    [Fact]
    public async Task Five_hundred_concurrent_buyers_of_one_unit_against_100_in_stock_exactly_100_succeed()
    {
        var item = await fixture.Replica0.CreateAsync("Flash Sale Headphones", stock: 100);
        var clients = new[] { fixture.Replica0, fixture.Replica1 };
        using var start = new SemaphoreSlim(0);
        var buyers = Enumerable.Range(0, 500).Select(async i =>
        {
            await start.WaitAsync();
            var response = await clients[i % 2].PostAsJsonAsync("/api/catalog/inventory/reservations", Order((item.Id, 1)), CatalogAppFixture.Json);
            return response.StatusCode;
        }).ToList();
        start.Release(500);
        var outcomes = await Task.WhenAll(buyers);

        Assert.Equal(100, outcomes.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(400, outcomes.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(0, await StockAsync(item.Id));
        Assert.Equal(100L, await fixture.ScalarAsync<long>($"SELECT coalesce(sum(quantity), 0) FROM inventory_reservation_lines WHERE item_id = {item.Id}"));
        // the cached product shows the new stock on both replicas
        Assert.Equal(0, (await (await fixture.Replica1.GetAsync($"/api/catalog/items/{item.Id}")).ItemAsync()).AvailableStock);
        Assert.Equal(0, (await (await fixture.Replica0.GetAsync($"/api/catalog/items/{item.Id}")).ItemAsync()).AvailableStock);
    }

    [Fact]
    public async Task A_reservation_takes_every_line_or_none()
    {
        var plenty = await fixture.Replica0.CreateAsync("Plenty Bottle", stock: 50);
        var scarce = await fixture.Replica0.CreateAsync("Scarce Bottle", stock: 1);
        var response = await fixture.Replica0.PostAsJsonAsync("/api/catalog/inventory/reservations", Order((plenty.Id, 5), (scarce.Id, 2)), CatalogAppFixture.Json);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<ReservationResult>(CatalogAppFixture.Json);
        Assert.Equal(ReservationStatus.Rejected, result!.Status);
        Assert.Equal([scarce.Id], result.InsufficientItemIds);
        Assert.Equal(50, await StockAsync(plenty.Id));
        Assert.Equal(1, await StockAsync(scarce.Id));
    }

    [Fact]
    public async Task Reserving_is_idempotent_per_order_and_release_gives_stock_back_once()
    {
        var item = await fixture.Replica0.CreateAsync("Idempotent Tent", stock: 10);
        var order = Order((item.Id, 3), (item.Id, 1));
        var replies = await Task.WhenAll(
            fixture.Replica0.PostAsJsonAsync("/api/catalog/inventory/reservations", order, CatalogAppFixture.Json),
            fixture.Replica1.PostAsJsonAsync("/api/catalog/inventory/reservations", order, CatalogAppFixture.Json));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(6, await StockAsync(item.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Replica1.DeleteAsync($"/api/catalog/inventory/reservations/{order.OrderId}")).StatusCode);
        Assert.Equal(10, await StockAsync(item.Id));
        Assert.Equal(10, (await (await fixture.Replica0.GetAsync($"/api/catalog/items/{item.Id}")).ItemAsync()).AvailableStock);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Replica0.DeleteAsync($"/api/catalog/inventory/reservations/{order.OrderId}")).StatusCode);
        Assert.Equal(10, await StockAsync(item.Id));

        var again = await fixture.Replica0.PostAsJsonAsync("/api/catalog/inventory/reservations", order, CatalogAppFixture.Json);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(ReservationStatus.AlreadyReleased, (await again.Content.ReadFromJsonAsync<ReservationResult>(CatalogAppFixture.Json))!.Status);
        Assert.Equal(10, await StockAsync(item.Id));
    }

    [Fact]
    public async Task Invalid_reservations_are_400_problems()
    {
        object[] bodies =
        [
            new { orderId = Guid.Empty, lines = new[] { new { itemId = 1, quantity = 1 } } },
            new { orderId = Guid.NewGuid(), lines = Array.Empty<object>() },
            new { orderId = Guid.NewGuid(), lines = new[] { new { itemId = 1, quantity = 0 } } },
            new { orderId = Guid.NewGuid(), lines = new[] { new { itemId = -1, quantity = 1 } } },
        ];
        foreach (var body in bodies)
        {
            var response = await fixture.Replica0.PostAsJsonAsync("/api/catalog/inventory/reservations", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Replica0.DeleteAsync("/api/catalog/inventory/reservations/not-a-guid")).StatusCode);
    }
}
