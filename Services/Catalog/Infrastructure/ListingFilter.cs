namespace Platform.Catalog.Infrastructure;

/// <summary>Which listing a page belongs to.</summary>
public enum ListingFilter
{
    All,
    Category,
    Brand,
}
