using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Catalog.Model;

/// <summary>Source-generated metadata for the hot request, response and cache types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CatalogItem))]
[JsonSerializable(typeof(CatalogItemRequest))]
[JsonSerializable(typeof(CatalogPage))]
[JsonSerializable(typeof(List<CatalogItem>))]
[JsonSerializable(typeof(List<Bestseller>))]
[JsonSerializable(typeof(List<BestsellerEntry>))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
