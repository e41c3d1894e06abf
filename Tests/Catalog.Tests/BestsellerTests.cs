namespace Platform.Catalog.Tests;

[Collection(CatalogCollection.Name)]
public sealed class BestsellerTests(CatalogFixture fixture)
{
    [Fact]
    public async Task Recorded_sales_rank_items_live()
    {
        await using var redis = await fixture.ConnectRedisAsync();
        var ranking = new BestsellerRanking(redis);
        await ranking.RecordSaleAsync(99_011, 3);
        await ranking.RecordSaleAsync(99_022, 5);
        await ranking.RecordSaleAsync(99_033, 1);
        await ranking.RecordSaleAsync(99_011, 4);

        var top = (await fixture.Replica0.GetFromJsonAsync<List<Bestseller>>("/api/catalog/bestsellers?top=2", CatalogAppFixture.Json))!;
        Assert.Equal([(99_011, 7L), (99_022, 5L)], top.Select(b => (b.Item.Id, b.UnitsSold)));
        Assert.Equal(CatalogSeed.Products().First(p => p.Id == 99_011).Name, top[0].Item.Name);

        await ranking.RecordSaleAsync(99_033, 10);
        var live = await fixture.Replica1.GetFromJsonAsync<List<Bestseller>>("/api/catalog/bestsellers", CatalogAppFixture.Json);
        Assert.Equal([99_033, 99_011, 99_022], live!.Select(b => b.Item.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ranking.RecordSaleAsync(99_011, 0));
    }
}
