using System.Text.Json.Serialization;

// The ceiling for the catalog benchmark: Kestrel + routing + a source-generated JSON product of the same shape and
// size as the catalog's, with the same response headers, and nothing else (no cache, no middleware).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));
var app = builder.Build();

app.MapGet("/api/catalog/items/{id}", (string id, HttpContext http) =>
{
    if (!int.TryParse(id, out var itemId) || itemId <= 0)
    {
        return Results.BadRequest();
    }

    var item = new Product(itemId, $"Classic Cotton Backpack {itemId}", $"Classic Cotton Backpack {itemId}: a dependable everyday backpack.",
        123.45m, 7, "Kova Labs", 1, "Bags", 321, 1);
    http.Response.Headers["X-Cache"] = "HIT-L1";
    http.Response.Headers.ETag = "\"v1\"";
    return TypedResults.Ok(item);
});

app.Run();

internal sealed record Product(int Id, string Name, string Description, decimal Price, int BrandId, string BrandName, int CategoryId, string CategoryName, int AvailableStock, long Version);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Product))]
internal sealed partial class BaselineJson : JsonSerializerContext;
