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
