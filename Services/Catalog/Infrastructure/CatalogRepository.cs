namespace Platform.Catalog.Infrastructure;

/// <summary>Plain Npgsql data access for products. Every listing is keyset-paginated on the primary key (no OFFSET).</summary>
public sealed class CatalogRepository(NpgsqlDataSource dataSource)
{
    private const string SelectItem = """
        SELECT i.id, i.name, i.description, i.price, i.brand_id, b.name, i.category_id, c.name, i.available_stock, i.version
        FROM catalog_items i
        JOIN catalog_brands b ON b.id = i.brand_id
        JOIN catalog_categories c ON c.id = i.category_id
        """;

    public async Task<CatalogItem?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"{SelectItem} WHERE i.id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        var items = await ReadAsync(command, cancellationToken);
        return items.Count == 0 ? null : items[0];
    }

    public async Task<List<CatalogItem>> GetManyAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"{SelectItem} WHERE i.id = ANY($1) ORDER BY i.id");
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. ids] });
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Items with id greater than <paramref name="afterId"/>, in id order; one extra row tells whether a next page exists.</summary>
    public async Task<CatalogPage> ListAsync(ListingFilter filter, int filterId, int afterId, int limit, CancellationToken cancellationToken)
    {
        var where = filter switch
        {
            ListingFilter.Category => "WHERE i.category_id = $3 AND i.id > $1",
            ListingFilter.Brand => "WHERE i.brand_id = $3 AND i.id > $1",
            _ => "WHERE i.id > $1",
        };
        await using var command = dataSource.CreateCommand($"{SelectItem} {where} ORDER BY i.id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = afterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        if (filter != ListingFilter.All)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = filterId });
        }

        return ToPage(await ReadAsync(command, cancellationToken), limit);
    }

    /// <summary>Case-insensitive substring search on the name, served by the trigram GIN index.</summary>
    public async Task<CatalogPage> SearchAsync(string text, int afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"{SelectItem} WHERE i.name ILIKE $1 AND i.id > $2 ORDER BY i.id LIMIT $3");
        // A common trigram can still match most rows, which are then sorted: bounded, answered 503 when it runs over.
        command.CommandTimeout = 2;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"%{EscapeLike(text)}%" });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = afterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        return ToPage(await ReadAsync(command, cancellationToken), limit);
    }

    public async Task<CatalogItem> CreateAsync(CatalogItemRequest request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH inserted AS (
                INSERT INTO catalog_items (name, description, price, brand_id, category_id, available_stock)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)
            {SelectItem.Replace("FROM catalog_items i", "FROM inserted i", StringComparison.Ordinal)}
            """);
        AddBody(command, request);
        return (await ReadAsync(command, cancellationToken))[0];
    }

    /// <summary>Updates only when the row still has <paramref name="expectedVersion"/>. Null: the item is gone or the version is stale.</summary>
    public async Task<(CatalogItem? Updated, CatalogItem? Previous)> UpdateAsync(int id, long expectedVersion, CatalogItemRequest request, CancellationToken cancellationToken)
    {
        var previous = await GetAsync(id, cancellationToken);
        if (previous is null || previous.Version != expectedVersion)
        {
            return (null, previous);
        }

        await using var command = dataSource.CreateCommand($"""
            WITH updated AS (
                UPDATE catalog_items SET name = $1, description = $2, price = $3, brand_id = $4, category_id = $5,
                    available_stock = $6, version = version + 1
                WHERE id = $7 AND version = $8 RETURNING *)
            {SelectItem.Replace("FROM catalog_items i", "FROM updated i", StringComparison.Ordinal)}
            """);
        AddBody(command, request);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? (null, await GetAsync(id, cancellationToken)) : (rows[0], previous);
    }

    /// <summary>Deletes when the version matches (or none is given). Returns the deleted row, or the current one when the version is stale.</summary>
    public async Task<(bool Deleted, CatalogItem? Current)> DeleteAsync(int id, long? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, cancellationToken);
        if (current is null || (expectedVersion is { } v && current.Version != v))
        {
            return (false, current);
        }

        await using var command = dataSource.CreateCommand("DELETE FROM catalog_items WHERE id = $1 AND version = $2");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current.Version });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        return deleted ? (true, current) : (false, await GetAsync(id, cancellationToken));
    }

    public async Task<List<int>> FirstIdsAsync(int count, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM catalog_items ORDER BY id LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<int>(count);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    internal static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static void AddBody(NpgsqlCommand command, CatalogItemRequest request)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Name!.Trim() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Description?.Trim() ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = request.Price!.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.BrandId!.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.CategoryId!.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.AvailableStock ?? 0 });
    }

    private static CatalogPage ToPage(List<CatalogItem> rows, int limit)
    {
        if (rows.Count <= limit)
        {
            return new CatalogPage(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new CatalogPage(rows, rows[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<List<CatalogItem>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<CatalogItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new CatalogItem(
                reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3), reader.GetInt32(4), reader.GetString(5),
                reader.GetInt32(6), reader.GetString(7), reader.GetInt32(8), reader.GetInt64(9)));
        }

        return items;
    }
}
