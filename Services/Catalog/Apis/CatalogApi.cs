using Microsoft.AspNetCore.Http.HttpResults;
using ItemResult = Microsoft.AspNetCore.Http.HttpResults.Results<
    Platform.Catalog.Apis.Utf8JsonResult,
    Microsoft.AspNetCore.Http.HttpResults.StatusCodeHttpResult,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>;

namespace Platform.Catalog.Apis;

/// <summary>The catalog's read endpoints under <c>/api/catalog</c>; writes are in <see cref="CatalogWriteApi"/>.</summary>
public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        // limited per client at the gateway, the one public door (docs/rate-limiting.md); not twice
        var api = app.MapGroup("/api/catalog").WithTags("Catalog");

        // the prepared-JSON result carries no response metadata of its own
        api.MapGet("/items/{id:int}", GetItemAsync).WithName("GetItem").Produces<CatalogItem>();
        api.MapGet("/items", ListItemsAsync).WithName("ListItems");
        api.MapGet("/items/search", SearchItemsAsync).WithName("SearchItems");
        api.MapGet("/items/by-ids", GetItemsByIdsAsync).WithName("GetItemsByIds");
        api.MapGet("/bestsellers", GetBestsellersAsync).WithName("GetBestsellers");
        api.MapCatalogWrites();
        // service-to-service (the order flow): a service's token with catalog.internal
        app.MapGroup("/api/catalog").MapGet("/internal/prices", GetPricesAsync).WithName("GetPrices").WithTags("Ordering (internal)")
            .RequireServiceScope(PlatformAccess.CatalogInternalScope);
        return app;
    }

    /// <summary>The hot path: not async, so an L1 hit (completed synchronously) allocates no state machine.</summary>
    internal static ValueTask<ItemResult> GetItemAsync(int id, HttpContext http, CatalogReader reader, CachedItemJson json, CancellationToken cancellationToken)
    {
        if (id <= 0)
        {
            return ValueTask.FromResult<ItemResult>(HttpValidation.Invalid("id", "id must be a positive integer."));
        }

        var pending = reader.GetItemAsync(id, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult(ItemResponse(id, pending.Result, http, json))
            : AwaitItemAsync(pending, id, http, json);
    }

    private static async ValueTask<ItemResult> AwaitItemAsync(ValueTask<(CatalogItem?, CacheOutcome)> pending, int itemId, HttpContext http, CachedItemJson json) =>
        ItemResponse(itemId, await pending, http, json);

    private static ItemResult ItemResponse(int itemId, (CatalogItem? Item, CacheOutcome Outcome) read, HttpContext http, CachedItemJson json)
    {
        var (item, outcome) = read;
        http.Response.Headers["X-Cache"] = outcome.ToHeader();
        if (item is null)
        {
            return NotFound(itemId);
        }

        var etag = item.ETag;
        http.Response.Headers.ETag = etag;
        return HttpValidation.MatchesAny(http.Request.Headers.IfNoneMatch, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : new Utf8JsonResult(json.For(item));
    }

    internal static async Task<Results<Ok<CatalogPage>, ValidationProblem>> ListItemsAsync(
        string? cursor, string? limit, string? categoryId, string? brandId, HttpContext http, CatalogReader reader, CancellationToken cancellationToken)
    {
        if (HttpValidation.TryParsePage(cursor, limit, out var afterId, out var pageSize) is { } invalid)
        {
            return invalid;
        }

        var filter = ListingFilter.All;
        var filterId = 0;
        if (categoryId is not null && brandId is not null)
        {
            return HttpValidation.Invalid("categoryId", "Filter by categoryId or by brandId, not both.");
        }

        if (categoryId is not null)
        {
            if (!HttpValidation.TryParseId(categoryId, out filterId))
            {
                return HttpValidation.Invalid("categoryId", "categoryId must be a positive integer.");
            }

            filter = ListingFilter.Category;
        }
        else if (brandId is not null)
        {
            if (!HttpValidation.TryParseId(brandId, out filterId))
            {
                return HttpValidation.Invalid("brandId", "brandId must be a positive integer.");
            }

            filter = ListingFilter.Brand;
        }

        var (page, outcome) = await reader.GetPageAsync(filter, filterId, afterId, pageSize, cancellationToken);
        http.Response.Headers["X-Cache"] = outcome.ToHeader();
        return TypedResults.Ok(page);
    }

    internal static async Task<Results<Ok<CatalogPage>, ValidationProblem>> SearchItemsAsync(string? q, string? cursor, string? limit, CatalogRepository repository, CancellationToken cancellationToken)
    {
        var text = q?.Trim();
        if (text is null || text.Length > 100 || !HasTrigram(text) || text.Any(char.IsControl))
        {
            // The trigram index serves a pattern only through a run of 3 letters or digits in it; without one
            // (short terms, punctuation, wildcards) PostgreSQL would scan every row. PostgreSQL refuses a NUL in text.
            return HttpValidation.Invalid("q", "q is required: up to 100 characters without control characters, with at least 3 letters or digits in a row.");
        }

        if (HttpValidation.TryParsePage(cursor, limit, out var afterId, out var pageSize) is { } invalid)
        {
            return invalid;
        }

        return TypedResults.Ok(await repository.SearchAsync(text, afterId, pageSize, cancellationToken));
    }

    internal static bool HasTrigram(string text)
    {
        var run = 0;
        foreach (var c in text)
        {
            run = char.IsLetterOrDigit(c) ? run + 1 : 0;
            if (run == 3)
            {
                return true;
            }
        }

        return false;
    }

    internal static async Task<Results<Ok<List<CatalogItem>>, ValidationProblem>> GetItemsByIdsAsync(string? ids, CatalogRepository repository, CancellationToken cancellationToken)
    {
        if (HttpValidation.TryParseIds(ids, out var itemIds) is { } invalid)
        {
            return invalid;
        }

        var found = (await repository.GetManyAsync(itemIds, cancellationToken)).ToDictionary(i => i.Id);
        // in the order asked for; unknown ids are left out
        return TypedResults.Ok(itemIds.Where(found.ContainsKey).Select(id => found[id]).ToList());
    }

    /// <summary>
    /// Current items for the order service, through the cache: a write invalidates every instance's copy before it
    /// returns, so a cached price is the current price, and a sale's hot products cost no database query per order.
    /// </summary>
    internal static async Task<Results<Ok<List<CatalogItem>>, ValidationProblem>> GetPricesAsync(string? ids, CatalogReader reader, CancellationToken cancellationToken)
    {
        if (HttpValidation.TryParseIds(ids, out var itemIds) is { } invalid)
        {
            return invalid;
        }

        var items = new List<CatalogItem>(itemIds.Count);
        foreach (var id in itemIds)
        {
            // unknown ids are left out, as by-ids does
            if ((await reader.GetItemAsync(id, cancellationToken)).Item is { } item)
            {
                items.Add(item);
            }
        }

        return TypedResults.Ok(items);
    }

    internal static async Task<Results<Ok<List<Bestseller>>, ValidationProblem>> GetBestsellersAsync(
        string? top, HttpContext http, BestsellerRanking ranking, CatalogRepository repository, ILogger<BestsellerRanking> logger, CancellationToken cancellationToken)
    {
        var count = 10;
        if (!string.IsNullOrEmpty(top) && (!int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > 100))
        {
            return HttpValidation.Invalid("top", "top must be an integer from 1 to 100.");
        }

        List<BestsellerEntry> entries;
        try
        {
            entries = await ranking.TopAsync(count, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // the ranking lives in Redis only; without it the shop still works, with an empty ranking
            logger.LogWarning("Bestseller ranking unavailable: {Message}", ex.Message);
            http.Response.Headers["X-Degraded"] = "bestsellers-unavailable";
            return TypedResults.Ok(new List<Bestseller>());
        }

        var items = (await repository.GetManyAsync([.. entries.Select(e => e.ItemId)], cancellationToken)).ToDictionary(i => i.Id);
        return TypedResults.Ok(entries.Where(e => items.ContainsKey(e.ItemId)).Select(e => new Bestseller(items[e.ItemId], e.UnitsSold)).ToList());
    }

    internal static ProblemHttpResult NotFound(int id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Item not found", detail: $"No catalog item has id {id}.");
}
