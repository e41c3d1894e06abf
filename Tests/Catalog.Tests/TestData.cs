using System.Net.Http.Headers;

namespace Platform.Catalog.Tests;

/// <summary>Helpers shared by the HTTP tests. Each test uses its own ids so tests do not see each other's cache entries.</summary>
internal static class TestData
{
    private static int _nextId = 50_000;

    /// <summary>A seeded product id no other test touches (and beyond the warm-up set).</summary>
    public static int FreshSeededId() => Interlocked.Add(ref _nextId, 7);

    public static string CacheHeader(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : "(none)";

    public static async Task<CatalogItem> ItemAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CatalogItem>(CatalogAppFixture.Json))!;
    }

    public static CatalogItemRequest ToRequest(this CatalogItem item, string? name = null, decimal? price = null, int? stock = null, long? version = null) =>
        new(name ?? item.Name, item.Description, price ?? item.Price, item.BrandId, item.CategoryId, stock ?? item.AvailableStock, version);

    public static async Task<HttpResponseMessage> PutAsync(this HttpClient client, int id, CatalogItemRequest body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/items/{id}") { Content = JsonContent.Create(body, options: CatalogAppFixture.Json) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return await client.SendAsync(request);
    }

    public static async Task<CatalogItem> CreateAsync(this HttpClient client, string name, int stock, int categoryId = 3, int brandId = 7)
    {
        var response = await client.PostAsJsonAsync("/api/catalog/items", new CatalogItemRequest(name, "test item", 19.99m, brandId, categoryId, stock), CatalogAppFixture.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CatalogItem>(CatalogAppFixture.Json))!;
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {timeout}");
            await Task.Delay(100);
        }
    }
}
