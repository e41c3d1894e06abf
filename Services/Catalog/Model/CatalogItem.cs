using System.Globalization;
using System.Text.Json.Serialization;

namespace Platform.Catalog.Model;

/// <summary>A product as the API returns it and the cache stores it.</summary>
public sealed record CatalogItem(
    int Id,
    string Name,
    string Description,
    decimal Price,
    int BrandId,
    string BrandName,
    int CategoryId,
    string CategoryName,
    int AvailableStock,
    long Version)
{
    /// <summary>Strong validator derived from the row version: any write changes it. Not part of the body (it is a header).</summary>
    [JsonIgnore]
    public string ETag => string.Create(CultureInfo.InvariantCulture, $"\"v{Version}\"");
}

/// <summary>Body of POST and PUT. <see cref="Version"/> is the optimistic-concurrency token when no If-Match header is sent.</summary>
public sealed record CatalogItemRequest(
    string? Name,
    string? Description,
    decimal? Price,
    int? BrandId,
    int? CategoryId,
    int? AvailableStock,
    long? Version = null);

/// <summary>One page of a keyset-paginated listing; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, string? NextCursor);

public sealed record Bestseller(CatalogItem Item, long UnitsSold);

public sealed record BestsellerEntry(int ItemId, long UnitsSold);
