namespace Platform.Catalog.Tests;

[Collection(CatalogCollection.Name)]
public sealed class WriteApiTests(CatalogFixture fixture)
{
    [Fact]
    public async Task Only_an_administrator_writes_anonymous_callers_get_401_and_buyers_403_and_nothing_changes()
    {
        var id = TestData.FreshSeededId();
        var before = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
        var request = new CatalogItemRequest("Not allowed", "x", 1m, 1, 1, 1);
        foreach (var (client, expected) in new[] { (fixture.AnonymousReplica0, HttpStatusCode.Unauthorized), (fixture.BuyerReplica0, HttpStatusCode.Forbidden) })
        {
            using var create = await client.PostAsJsonAsync("/api/catalog/items", request, CatalogAppFixture.Json);
            using var update = await client.PutAsJsonAsync($"/api/catalog/items/{id}", request, CatalogAppFixture.Json);
            using var delete = await client.DeleteAsync($"/api/catalog/items/{id}");
            foreach (var response in new[] { create, update, delete })
            {
                Assert.Equal(expected, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal(before, await (await fixture.AnonymousReplica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync());
    }

    [Fact]
    public async Task Create_answers_201_with_location_and_etag_and_is_readable_on_every_replica()
    {
        // read the next id first, so an "absent" entry is cached on both replicas before the create
        var nextId = await fixture.ScalarAsync<long>("SELECT last_value + 1 FROM catalog_items_id_seq");
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Replica1.GetAsync($"/api/catalog/items/{nextId}")).StatusCode);

        var response = await fixture.Replica0.PostAsJsonAsync("/api/catalog/items", new CatalogItemRequest("Fresh Oak Lamp", "new", 49.5m, 2, 5, 10), CatalogAppFixture.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CatalogItem>(CatalogAppFixture.Json))!;
        Assert.Equal($"/api/catalog/items/{created.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(created.ETag, response.Headers.ETag!.Tag);
        foreach (var replica in new[] { fixture.Replica0, fixture.Replica1 })
        {
            Assert.Equal("Fresh Oak Lamp", (await (await replica.GetAsync($"/api/catalog/items/{created.Id}")).ItemAsync()).Name);
        }
    }

    [Fact]
    public async Task An_update_on_one_replica_is_seen_at_once_on_the_other_whose_L1_held_the_old_value()
    {
        var id = TestData.FreshSeededId();
        var original = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
        await fixture.Replica1.GetAsync($"/api/catalog/items/{id}");
        Assert.Equal("HIT-L1", (await fixture.Replica1.GetAsync($"/api/catalog/items/{id}")).CacheHeader());

        for (var round = 1; round <= 5; round++)
        {
            var current = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
            var put = await fixture.Replica0.PutAsync(id, current.ToRequest(name: $"Renamed {round}", price: 10m + round), current.ETag);
            var updated = await put.ItemAsync();
            Assert.Equal(current.Version + 1, updated.Version);
            Assert.Equal(updated.ETag, put.Headers.ETag!.Tag);

            // no delay: the write returned only after every replica dropped its copy
            var seen = await (await fixture.Replica1.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
            Assert.Equal($"Renamed {round}", seen.Name);
            Assert.Equal(updated.Version, seen.Version);
        }

        Assert.Equal(original.Version + 5, (await (await fixture.Replica1.GetAsync($"/api/catalog/items/{id}")).ItemAsync()).Version);
    }

    [Fact]
    public async Task The_order_services_prices_come_from_the_cache_and_a_price_change_is_seen_at_once_on_every_replica()
    {
        var id = TestData.FreshSeededId();
        async Task<decimal> PriceAsync(HttpClient replica) =>
            Assert.Single((await replica.GetFromJsonAsync<List<CatalogItem>>($"/api/catalog/internal/prices?ids={id},99999999", CatalogAppFixture.Json))!).Price;
        await PriceAsync(fixture.ServiceReplica0);
        await PriceAsync(fixture.ServiceReplica1);
        Assert.Equal("HIT-L1", (await fixture.Replica1.GetAsync($"/api/catalog/items/{id}")).CacheHeader());

        var current = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
        var put = await fixture.Replica0.PutAsync(id, current.ToRequest(price: current.Price + 1m), current.ETag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Equal(current.Price + 1m, await PriceAsync(fixture.ServiceReplica1));
        Assert.Equal(current.Price + 1m, await PriceAsync(fixture.ServiceReplica0));
    }

    [Fact]
    public async Task A_stale_version_gets_409_and_a_missing_one_428()
    {
        var id = TestData.FreshSeededId();
        var item = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
        Assert.Equal(HttpStatusCode.OK, (await fixture.Replica0.PutAsync(id, item.ToRequest(name: "First writer"), item.ETag)).StatusCode);

        var stale = await fixture.Replica1.PutAsync(id, item.ToRequest(name: "Second writer"), item.ETag);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal($"\"v{item.Version + 1}\"", stale.Headers.ETag!.Tag);
        var staleByBody = await fixture.Replica1.PutAsync(id, item.ToRequest(name: "Second writer", version: item.Version), ifMatch: null);
        Assert.Equal(HttpStatusCode.Conflict, staleByBody.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await fixture.Replica1.PutAsync(id, item.ToRequest(), ifMatch: null)).StatusCode);

        var byBody = await fixture.Replica1.PutAsync(id, item.ToRequest(name: "Body version", version: item.Version + 1), ifMatch: null);
        Assert.Equal("Body version", (await byBody.ItemAsync()).Name);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Replica0.PutAsync(99_999_999, item.ToRequest(), "\"v1\"")).StatusCode);
    }

    [Fact]
    public async Task Invalid_bodies_are_400_problems()
    {
        var id = TestData.FreshSeededId();
        var item = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
        CatalogItemRequest[] invalid =
        [
            item.ToRequest(name: " "),
            item.ToRequest(price: -1m),
            item.ToRequest(price: 1.999m),
            item.ToRequest(stock: -1),
            item.ToRequest() with { BrandId = 0 },
            item.ToRequest() with { CategoryId = 9_999 },
            // a PUT replaces the item: a field it leaves out would be erased (the stock set to 0), so it is refused
            item.ToRequest() with { AvailableStock = null },
            item.ToRequest() with { Description = null },
            // PostgreSQL refuses a NUL in text: it is the caller's mistake (400), not the server's (500)
            item.ToRequest(name: "Kettle\0"),
            item.ToRequest() with { Description = "Kettle\0" },
        ];
        foreach (var body in invalid)
        {
            var response = await fixture.Replica0.PutAsync(id, body, item.ETag);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var malformed = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Replica0.PostAsync("/api/catalog/items", malformed)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Replica0.PutAsync(id, item.ToRequest(), "\"not-ours\"")).StatusCode);
        var after = await (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).ItemAsync();
        Assert.Equal((item.Version, item.AvailableStock, item.Description), (after.Version, after.AvailableStock, after.Description));
    }

    [Fact]
    public async Task Delete_honours_If_Match_and_evicts_every_replica()
    {
        var item = await fixture.Replica0.CreateAsync("Doomed Steel Mug", stock: 3);
        await fixture.Replica1.GetAsync($"/api/catalog/items/{item.Id}");
        using (var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/catalog/items/{item.Id}"))
        {
            stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"v{item.Version + 3}\""));
            Assert.Equal(HttpStatusCode.Conflict, (await fixture.Replica0.SendAsync(stale)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Replica0.DeleteAsync($"/api/catalog/items/{item.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Replica1.GetAsync($"/api/catalog/items/{item.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Replica0.DeleteAsync($"/api/catalog/items/{item.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_cached_listing_page_shows_a_rename_at_once_through_tag_invalidation()
    {
        var first = await fixture.Replica1.GetFromJsonAsync<CatalogPage>("/api/catalog/items?brandId=13&limit=10", CatalogAppFixture.Json);
        Assert.Equal("HIT-L1", (await fixture.Replica1.GetAsync("/api/catalog/items?brandId=13&limit=10")).CacheHeader());
        var target = first!.Items[3];
        var put = await fixture.Replica0.PutAsync(target.Id, target.ToRequest(name: "Relisted Item"), target.ETag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var after = await fixture.Replica1.GetFromJsonAsync<CatalogPage>("/api/catalog/items?brandId=13&limit=10", CatalogAppFixture.Json);
        Assert.Equal("Relisted Item", after!.Items.Single(i => i.Id == target.Id).Name);
    }
}
