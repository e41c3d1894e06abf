using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Catalog.Apis;

/// <summary>
/// Create, update, delete. Updates and deletes are optimistic: the caller names the version it read (If-Match, or
/// <c>version</c> in the body) and a stale one gets 409. Every write invalidates all replicas' caches before it answers.
/// Only a catalog administrator's token may write.
/// </summary>
internal static class CatalogWriteApi
{
    public static RouteGroupBuilder MapCatalogWrites(this RouteGroupBuilder api)
    {
        var writes = api.MapGroup("").RequireAuthorization(PlatformAccess.CatalogAdminPolicy);
        writes.MapPost("/items", CreateAsync).WithName("CreateItem");
        writes.MapPut("/items/{id:int}", UpdateAsync).WithName("UpdateItem");
        writes.MapDelete("/items/{id:int}", DeleteAsync).WithName("DeleteItem");
        return api;
    }

    internal static async Task<Results<Created<CatalogItem>, ValidationProblem>> CreateAsync(
        CatalogItemRequest? request, HttpContext http, CatalogRepository repository, CatalogInvalidator invalidator, CancellationToken cancellationToken)
    {
        if (HttpValidation.ValidateItem(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        CatalogItem created;
        try
        {
            created = await repository.CreateAsync(request!, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return UnknownReference(ex);
        }

        // the id may have been read (and cached as absent) before it existed
        await invalidator.InvalidateAsync(created.Id, CatalogCacheKeys.TagsAffectedBy(null, created), cancellationToken);
        http.Response.Headers.ETag = created.ETag;
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/catalog/items/{created.Id}"), created);
    }

    internal static async Task<Results<Ok<CatalogItem>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, CatalogItemRequest? request, HttpContext http, CatalogRepository repository, CatalogInvalidator invalidator, CancellationToken cancellationToken)
    {
        if (id <= 0)
        {
            return HttpValidation.Invalid("id", "id must be a positive integer.");
        }

        if (HttpValidation.ValidateItem(request, replacing: true) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (versionError, expected) = ExpectedVersion(http, request!.Version);
        if (versionError is not null)
        {
            return versionError;
        }

        if (expected is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "Version required",
                detail: "Send If-Match with the item's ETag, or the version you read in the body.");
        }

        CatalogItem? updated, previous;
        try
        {
            (updated, previous) = await repository.UpdateAsync(id, expected.Value, request, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return UnknownReference(ex);
        }

        if (updated is null)
        {
            return previous is null ? CatalogApi.NotFound(id) : Conflict(http, previous);
        }

        await invalidator.InvalidateAsync(id, CatalogCacheKeys.TagsAffectedBy(previous, updated), cancellationToken);
        http.Response.Headers.ETag = updated.ETag;
        return TypedResults.Ok(updated);
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        int id, HttpContext http, CatalogRepository repository, CatalogInvalidator invalidator, BestsellerRanking ranking,
        ILogger<CatalogInvalidator> logger, CancellationToken cancellationToken)
    {
        if (id <= 0)
        {
            return HttpValidation.Invalid("id", "id must be a positive integer.");
        }

        var (error, expected) = ExpectedVersion(http, bodyVersion: null);
        if (error is not null)
        {
            return error;
        }

        var (deleted, current) = await repository.DeleteAsync(id, expected, cancellationToken);
        if (!deleted)
        {
            return current is null ? CatalogApi.NotFound(id) : Conflict(http, current);
        }

        await invalidator.InvalidateAsync(id, CatalogCacheKeys.TagsAffectedBy(current, null), cancellationToken);
        try
        {
            await ranking.RemoveAsync(id, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // bestsellers skip items that no longer exist anyway
            logger.LogDebug("Could not remove deleted item {ItemId} from the bestsellers: {Message}", id, ex.Message);
        }

        return TypedResults.NoContent();
    }

    /// <summary>The version from If-Match (wins) or the body. An If-Match we did not issue is a 400.</summary>
    private static (ValidationProblem? Error, long? Version) ExpectedVersion(HttpContext http, long? bodyVersion)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(ifMatch))
        {
            return (null, bodyVersion);
        }

        return HttpValidation.ParseETagVersion(ifMatch) is { } version
            ? (null, version)
            : (HttpValidation.Invalid("If-Match", "If-Match must be one ETag returned by this API, such as \"v3\"."), null);
    }

    private static ProblemHttpResult Conflict(HttpContext http, CatalogItem current)
    {
        http.Response.Headers.ETag = current.ETag;
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Stale version",
            detail: $"Item {current.Id} has changed since it was read; its current version is {current.Version}. Read it again and retry.");
    }

    private static ValidationProblem UnknownReference(PostgresException ex) =>
        ex.ConstraintName?.Contains("brand", StringComparison.Ordinal) == true
            ? HttpValidation.Invalid("brandId", "No brand has this id.")
            : HttpValidation.Invalid("categoryId", "No category has this id.");
}
