using System.Net.Http.Headers;

namespace Platform.Catalog.Tests;

[Collection(CatalogCollection.Name)]
public sealed class ReadApiTests(CatalogFixture fixture)
{
    [Fact]
    public async Task Migrations_and_seed_ran_once_although_two_replicas_started_together()
    {
        Assert.Equal(100_000L, await fixture.ScalarAsync<long>("SELECT count(*) FROM catalog_items WHERE id <= 100000"));
        // the catalog's four steps and the messaging tables' two, each applied once although both replicas ran the migrator
        Assert.Equal(4L, await fixture.ScalarAsync<long>("SELECT count(*) FROM schema_history WHERE owner = 'catalog'"));
        Assert.Equal(2L, await fixture.ScalarAsync<long>("SELECT count(*) FROM schema_history WHERE owner = 'messaging'"));
        Assert.Equal(CatalogSeed.Products().First().Name, await fixture.ScalarAsync<string>("SELECT name FROM catalog_items WHERE id = 1"));
        var logs = fixture.Logs(0) + fixture.Logs(1);
        var seeded = Assert.Single(System.Text.RegularExpressions.Regex.Matches(logs, "Applied schema step 'catalog 0003 [^\n]*"));
        TestContext.Current.TestOutputHelper?.WriteLine(seeded.Value);
        foreach (System.Text.RegularExpressions.Match step in System.Text.RegularExpressions.Regex.Matches(logs, "Applied schema step 'catalog 000[124] [^\n]*"))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(step.Value);
        }
    }

    [Fact]
    public async Task An_item_is_a_miss_then_an_L1_hit_then_an_L2_hit_on_the_other_replica()
    {
        var id = TestData.FreshSeededId();
        var first = await fixture.Replica0.GetAsync($"/api/catalog/items/{id}");
        Assert.Equal("MISS", first.CacheHeader());
        var item = await first.ItemAsync();
        Assert.Equal(id, item.Id);
        Assert.Equal("HIT-L1", (await fixture.Replica0.GetAsync($"/api/catalog/items/{id}")).CacheHeader());
        Assert.Equal("HIT-L2", (await fixture.Replica1.GetAsync($"/api/catalog/items/{id}")).CacheHeader());
        Assert.Equal("HIT-L1", (await fixture.Replica1.GetAsync($"/api/catalog/items/{id}")).CacheHeader());
    }

    [Fact]
    public async Task A_cold_item_read_by_200_concurrent_requests_on_both_replicas_is_loaded_from_the_database_once()
    {
        // Stampede protection: within a replica one factory per key, across replicas FusionCache's Redis lock; the
        // others wait and read the value the first one stored.
        var id = TestData.FreshSeededId();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? fixture.Replica0 : fixture.Replica1).GetAsync($"/api/catalog/items/{id}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var headers = responses.Select(r => r.CacheHeader()).ToList();
        Assert.Equal(1, headers.Count(h => h == "MISS"));
        Assert.All(headers, h => Assert.Contains(h, new[] { "MISS", "HIT-L1", "HIT-L2" }));
    }

    [Fact]
    public async Task ETag_and_If_None_Match_answer_304()
    {
        var id = TestData.FreshSeededId();
        var response = await fixture.Replica0.GetAsync($"/api/catalog/items/{id}");
        var etag = response.Headers.ETag!;
        Assert.Equal($"\"v{(await response.ItemAsync()).Version}\"", etag.Tag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/catalog/items/{id}");
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await fixture.Replica0.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);

        using var other = new HttpRequestMessage(HttpMethod.Get, $"/api/catalog/items/{id}");
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"v999999\""));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Replica0.SendAsync(other)).StatusCode);
    }

    [Theory]
    [InlineData("/api/catalog/items/0")]
    [InlineData("/api/catalog/items/-5")]
    [InlineData("/api/catalog/items?limit=0")]
    [InlineData("/api/catalog/items?limit=101")]
    [InlineData("/api/catalog/items?limit=ten")]
    [InlineData("/api/catalog/items?cursor=xyz")]
    [InlineData("/api/catalog/items?categoryId=1&brandId=2")]
    [InlineData("/api/catalog/items?categoryId=0")]
    [InlineData("/api/catalog/items/search?q=ab")]
    [InlineData("/api/catalog/items/search?q=%25%25%25")] // no trigram: the index cannot serve it
    [InlineData("/api/catalog/items/search?q=a-b-c-d")]
    [InlineData("/api/catalog/items/search?q=!!!!")]
    [InlineData("/api/catalog/items/search")]
    [InlineData("/api/catalog/items/search?q=kettle%00")] // PostgreSQL refuses a NUL in text
    [InlineData("/api/catalog/items/search?q=ket%00tle")]
    [InlineData("/api/catalog/items/by-ids?ids=1,x")]
    [InlineData("/api/catalog/items/by-ids")]
    [InlineData("/api/catalog/bestsellers?top=0")]
    [InlineData("/api/catalog/bestsellers?top=101")]
    public async Task Bad_input_is_a_400_problem(string url)
    {
        var response = await fixture.Replica0.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Internal_prices_answer_a_service_token_with_catalog_internal_and_nobody_else()
    {
        const string Prices = "/api/catalog/internal/prices?ids=1,2";
        var anonymous = await fixture.AnonymousReplica0.GetAsync(Prices);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        // a buyer's valid token is not a service's
        using var buyer = fixture.App.CreateReplicaClient("catalog", 1);
        buyer.DefaultRequestHeaders.Authorization = new("Bearer", await fixture.App.UserTokenAsync("alice"));
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync(Prices)).StatusCode);

        using var forged = fixture.App.CreateReplicaClient("catalog", 0);
        var token = fixture.ServiceReplica0.DefaultRequestHeaders.Authorization!.Parameter!;
        forged.DefaultRequestHeaders.Authorization = new("Bearer", token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync(Prices)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await fixture.ServiceReplica1.GetAsync(Prices)).StatusCode);
        foreach (var bad in new[] { "/api/catalog/internal/prices?ids=0", "/api/catalog/internal/prices" })
        {
            var response = await fixture.ServiceReplica0.GetAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/api/catalog/items/99999999")]
    [InlineData("/api/catalog/items/abc")] // the route takes integers only, so this path names no item
    public async Task A_path_that_names_no_item_is_a_404_problem(string url)
    {
        var response = await fixture.Replica0.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Keyset_pages_of_a_category_follow_each_other_without_gaps_or_repeats()
    {
        var seen = new List<CatalogItem>();
        string? cursor = null;
        for (var page = 0; page < 3; page++)
        {
            var response = await fixture.Replica0.GetFromJsonAsync<CatalogPage>($"/api/catalog/items?categoryId=4&limit=25&cursor={cursor}", CatalogAppFixture.Json);
            Assert.Equal(25, response!.Items.Count);
            seen.AddRange(response.Items);
            cursor = response.NextCursor;
            Assert.NotNull(cursor);
        }

        Assert.All(seen, i => Assert.Equal(4, i.CategoryId));
        Assert.Equal(seen.Select(i => i.Id).Order(), seen.Select(i => i.Id));
        Assert.Equal(75, seen.Select(i => i.Id).Distinct().Count());
        var expected = CatalogSeed.Products().Where(p => p.CategoryId == 4).Take(75).Select(p => p.Id);
        Assert.Equal(expected, seen.Select(i => i.Id));
    }

    [Fact]
    public async Task Brand_listing_and_the_last_page_has_no_cursor()
    {
        var page = await fixture.Replica1.GetFromJsonAsync<CatalogPage>("/api/catalog/items?brandId=9&limit=5", CatalogAppFixture.Json);
        Assert.All(page!.Items, i => Assert.Equal(9, i.BrandId));
        var last = await fixture.Replica1.GetFromJsonAsync<CatalogPage>("/api/catalog/items?cursor=99990&limit=100", CatalogAppFixture.Json);
        Assert.Null(last!.NextCursor);
        Assert.Contains(last.Items, i => i.Id == 100_000);
    }

    [Fact]
    public async Task Search_matches_names_case_insensitively_and_treats_wildcards_literally()
    {
        var page = await fixture.Replica0.GetFromJsonAsync<CatalogPage>("/api/catalog/items/search?q=kettle&limit=50", CatalogAppFixture.Json);
        Assert.Equal(50, page!.Items.Count);
        Assert.All(page.Items, i => Assert.Contains("Kettle", i.Name, StringComparison.Ordinal));
        var wildcard = await fixture.Replica0.GetFromJsonAsync<CatalogPage>("/api/catalog/items/search?q=kettle%25_", CatalogAppFixture.Json);
        Assert.Empty(wildcard!.Items);
        var plan = await fixture.ExplainAsync("SELECT id FROM catalog_items WHERE name ILIKE '%Bamboo Kettle 12%'");
        Assert.Contains("ix_catalog_items_name_trgm", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_ids_returns_known_items_in_the_order_asked()
    {
        var items = await fixture.Replica0.GetFromJsonAsync<List<CatalogItem>>("/api/catalog/items/by-ids?ids=5,3,99999999,5", CatalogAppFixture.Json);
        Assert.Equal([5, 3], items!.Select(i => i.Id));
        var tooMany = string.Join(',', Enumerable.Range(1, 101));
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Replica0.GetAsync($"/api/catalog/items/by-ids?ids={tooMany}")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_api()
    {
        var paths = System.Text.Json.Nodes.JsonNode.Parse(await fixture.Replica0.GetStringAsync("/openapi/v1.json"))!["paths"]!;
        Assert.NotNull(paths["/api/catalog/items/{id}"]?["get"]);
        Assert.NotNull(paths["/api/catalog/internal/prices"]?["get"]);
        // the handlers' Results<...> types are the responses the document lists, with the problem-details default
        var list = paths["/api/catalog/items"]!["get"]!["responses"]!.AsObject();
        Assert.Equal(["200", "400", "default"], list.Select(r => r.Key).Order());
        Assert.Null(paths["/api/catalog/items"]!["get"]!["security"]); // anonymous
        // a write says who may make it, and what a caller without that gets
        var update = paths["/api/catalog/items/{id}"]!["put"]!;
        Assert.Superset(new HashSet<string> { "200", "400", "401", "403" }, update["responses"]!.AsObject().Select(r => r.Key).ToHashSet());
        Assert.Contains("catalog-admin", (string?)update["description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warm_up_ran_after_start_and_logged_its_progress()
    {
        await TestData.UntilAsync(() => Task.FromResult(fixture.Logs(0).Contains("Cache warm-up done: 100 products", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "warm-up");
        Assert.Contains("Cache warm-up: 100/100 products.", fixture.Logs(0), StringComparison.Ordinal);
        // L1 copies may have aged out by now (30 s local freshness), Redis still has them
        Assert.NotEqual("MISS", (await fixture.Replica0.GetAsync("/api/catalog/items/42")).CacheHeader());
    }
}
