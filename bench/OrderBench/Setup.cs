using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OrderBench;

public static class Setup
{
    /// <summary>Products made for the run through the catalog's API, with the most stock it accepts, so that no order
    /// is refused for stock; a few of them, so that buyers contend on the same rows as a bestseller's buyers would.</summary>
    public static async Task<int[]> CreateProductsAsync(HttpClient catalog, int count)
    {
        var ids = new int[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await catalog.PostAsJsonAsync("/api/catalog/items", new
            {
                name = $"order bench item {i} {Guid.NewGuid():N}",
                description = "made by bench/orders.sh",
                price = 12.50m,
                brandId = 1,
                categoryId = 1,
                availableStock = 1_000_000,
            });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/catalog/items answered {(int)response.StatusCode}: {body}");
            }

            ids[i] = (int)JsonNode.Parse(body)!["id"]!;
        }

        return ids;
    }

    public static Task DelayUntilAsync(DateTime at)
    {
        var wait = at - DateTime.UtcNow;
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }
}
