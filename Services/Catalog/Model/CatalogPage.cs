namespace Platform.Catalog.Model;

/// <summary>One page of a keyset-paginated listing; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record CatalogPage(IReadOnlyList<CatalogItem> Items, string? NextCursor);
