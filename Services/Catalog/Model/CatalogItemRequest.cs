namespace Platform.Catalog.Model;

/// <summary>Body of POST and PUT. <see cref="Version"/> is the optimistic-concurrency token when no If-Match header is sent.</summary>
public sealed record CatalogItemRequest(
    string? Name,
    string? Description,
    decimal? Price,
    int? BrandId,
    int? CategoryId,
    int? AvailableStock,
    long? Version = null);
