namespace Platform.Catalog.Inventory;

/// <summary>
/// Catalog owns stock. A reservation takes every line or none in one transaction; each line is a conditional
/// decrement (<c>stock &gt;= quantity</c>) so concurrent buyers serialise on the row and stock never goes below zero.
/// Idempotent per order id: the reservation row is inserted first, so a repeated or concurrent call with the same
/// order id waits on it and then sees the first call's outcome.
/// </summary>
public sealed class InventoryService(NpgsqlDataSource dataSource, CatalogInvalidator invalidator)
{
    public async Task<ReservationResult> ReserveAsync(Guid orderId, IReadOnlyList<ReservationLine> lines, CancellationToken cancellationToken)
    {
        // one update per item, in id order, so two orders touching the same items cannot deadlock
        var merged = lines.GroupBy(l => l.ItemId).Select(g => new ReservationLine(g.Key, g.Sum(l => l.Quantity))).OrderBy(l => l.ItemId).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var claim = new NpgsqlCommand("INSERT INTO inventory_reservations (order_id, status) VALUES ($1, 'reserved') ON CONFLICT (order_id) DO NOTHING", connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = orderId });
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new ReservationResult(orderId, await ExistingStatusAsync(orderId, cancellationToken), []);
            }
        }

        var insufficient = new List<int>();
        foreach (var line in merged)
        {
            await using var take = new NpgsqlCommand("""
                UPDATE catalog_items SET available_stock = available_stock - $2, version = version + 1
                WHERE id = $1 AND available_stock >= $2
                """, connection, transaction);
            take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = line.ItemId });
            take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = line.Quantity });
            if (await take.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                insufficient.Add(line.ItemId);
            }
        }

        if (insufficient.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ReservationResult(orderId, ReservationStatus.Rejected, insufficient);
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO inventory_reservation_lines (order_id, item_id, quantity) SELECT $1, unnest($2), unnest($3)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = orderId });
            record.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. merged.Select(l => l.ItemId)] });
            record.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. merged.Select(l => l.Quantity)] });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await InvalidateAsync(merged.Select(l => l.ItemId), cancellationToken);
        return new ReservationResult(orderId, ReservationStatus.Reserved, []);
    }

    /// <summary>Gives the order's stock back, once. False when the order has no active reservation.</summary>
    public async Task<bool> ReleaseAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var mark = new NpgsqlCommand(
            "UPDATE inventory_reservations SET status = 'released', released_at = now() WHERE order_id = $1 AND status = 'reserved'", connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = orderId });
            if (await mark.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        var itemIds = new List<int>();
        await using (var giveBack = new NpgsqlCommand("""
            UPDATE catalog_items i SET available_stock = i.available_stock + l.quantity, version = i.version + 1
            FROM (SELECT item_id, quantity FROM inventory_reservation_lines WHERE order_id = $1 ORDER BY item_id) l
            WHERE i.id = l.item_id
            RETURNING i.id
            """, connection, transaction))
        {
            giveBack.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = orderId });
            await using var reader = await giveBack.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                itemIds.Add(reader.GetInt32(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        await InvalidateAsync(itemIds, cancellationToken);
        return true;
    }

    public async Task<int?> StockAsync(int itemId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT available_stock FROM catalog_items WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = itemId });
        return await command.ExecuteScalarAsync(cancellationToken) is int stock ? stock : null;
    }

    private async Task<ReservationStatus> ExistingStatusAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT status FROM inventory_reservations WHERE order_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = orderId });
        return await command.ExecuteScalarAsync(cancellationToken) as string == "released" ? ReservationStatus.AlreadyReleased : ReservationStatus.Reserved;
    }

    // stock is part of the cached product: a reservation invalidates it, keeping the old copy for fail-safe
    private Task InvalidateAsync(IEnumerable<int> itemIds, CancellationToken cancellationToken) =>
        Task.WhenAll(itemIds.Select(id => invalidator.InvalidateStockAsync(id, cancellationToken)));
}
