using System.Globalization;

namespace Platform.Catalog.Infrastructure;

/// <summary>Cache keys and tags. A listing page is tagged with its listing, so a write drops every page it may appear on.</summary>
internal static class CatalogCacheKeys
{
    public const string AllListingTag = "catalog:list:all";

    public static string Item(int id) => string.Create(CultureInfo.InvariantCulture, $"catalog:item:{id}");

    public static string Page(ListingFilter filter, int filterId, int afterId, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"catalog:page:{filter}:{filterId}:{afterId}:{limit}");

    public static string ListingTag(ListingFilter filter, int filterId) => filter switch
    {
        ListingFilter.Category => string.Create(CultureInfo.InvariantCulture, $"catalog:list:category:{filterId}"),
        ListingFilter.Brand => string.Create(CultureInfo.InvariantCulture, $"catalog:list:brand:{filterId}"),
        _ => AllListingTag,
    };

    /// <summary>Every listing an item appears on, before and after a write.</summary>
    public static IEnumerable<string> TagsAffectedBy(CatalogItem? before, CatalogItem? after)
    {
        var tags = new HashSet<string>(StringComparer.Ordinal) { AllListingTag };
        foreach (var item in new[] { before, after })
        {
            if (item is not null)
            {
                tags.Add(ListingTag(ListingFilter.Category, item.CategoryId));
                tags.Add(ListingTag(ListingFilter.Brand, item.BrandId));
            }
        }

        return tags;
    }
}
