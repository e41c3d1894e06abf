using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Catalog.Apis;

/// <summary>Parsing of route, query and header values into 400 problem details with the offending field named.</summary>
internal static class HttpValidation
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;
    public const int MaxBatchIds = 100;

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static bool TryParseId(string? text, out int id) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <summary>Limit (default 20, 1..100) and cursor (an item id, default 0) of a keyset page.</summary>
    public static ValidationProblem? TryParsePage(string? cursor, string? limit, out int afterId, out int pageSize)
    {
        afterId = 0;
        pageSize = DefaultPageSize;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
        {
            return Invalid("limit", $"limit must be an integer from 1 to {MaxPageSize}.");
        }

        if (!string.IsNullOrEmpty(cursor) && !int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out afterId))
        {
            return Invalid("cursor", "cursor must be the nextCursor value of a previous page.");
        }

        return null;
    }

    /// <summary>A comma-separated list of 1 to 100 positive ids; duplicates are read once.</summary>
    public static ValidationProblem? TryParseIds(string? text, out List<int> ids)
    {
        ids = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return Invalid("ids", "ids is required: a comma-separated list of item ids.");
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!TryParseId(part, out var id))
            {
                return Invalid("ids", $"'{Truncate(part)}' is not a valid item id.");
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids.Count > MaxBatchIds ? Invalid("ids", $"At most {MaxBatchIds} ids per request.") : null;
    }

    /// <summary>The fields of a create or, <paramref name="replacing"/>, of an update: a PUT replaces the whole item, so
    /// a field it leaves out would be erased (a stock of 0, no description); it must send each one, as read.</summary>
    public static Dictionary<string, string[]> ValidateItem(CatalogItemRequest? request, bool replacing = false)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body is required."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200 || request.Name.Any(char.IsControl))
        {
            errors["name"] = ["name is required, at most 200 characters, without control characters."];
        }

        if (request.Description is { Length: > 2000 } || request.Description?.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) == true)
        {
            errors["description"] = ["description is at most 2000 characters; line breaks and tabs are its only control characters."];
        }
        else if (replacing && request.Description is null)
        {
            errors["description"] = ["description is required on an update, which replaces the item: send the one you read, or \"\" to clear it."];
        }

        if (request.Price is not { } price || price <= 0 || price > 1_000_000m || decimal.Round(price, 2) != price)
        {
            errors["price"] = ["price is required: greater than 0, at most 1,000,000, with at most 2 decimals."];
        }

        if (request.BrandId is not > 0)
        {
            errors["brandId"] = ["brandId is required and positive."];
        }

        if (request.CategoryId is not > 0)
        {
            errors["categoryId"] = ["categoryId is required and positive."];
        }

        if (request.AvailableStock is < 0 or > 1_000_000)
        {
            errors["availableStock"] = ["availableStock is from 0 to 1,000,000."];
        }
        else if (replacing && request.AvailableStock is null)
        {
            errors["availableStock"] = ["availableStock is required on an update, which replaces the item: send the stock you read."];
        }

        return errors;
    }

    /// <summary>The version in an entity tag we issued (<c>"v12"</c>, also weak <c>W/"v12"</c>); null if it is not one.</summary>
    public static long? ParseETagVersion(string tag)
    {
        var value = tag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Length > 3 && value[0] == '"' && value[^1] == '"' && value[1] == 'v'
            && long.TryParse(value.AsSpan(2, value.Length - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    /// <summary>True when If-None-Match names the current tag (or is <c>*</c>).</summary>
    public static bool MatchesAny(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrEmpty(ifNoneMatch))
        {
            return false;
        }

        foreach (var candidate in ifNoneMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (tag == "*" || tag == etag)
            {
                return true;
            }
        }

        return false;
    }

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
