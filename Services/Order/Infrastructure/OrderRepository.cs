using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Outbox;
using Platform.Order.Model;
using Platform.Order.Options;

namespace Platform.Order.Infrastructure;

/// <summary>Orders and their lines, status changes and the events they publish, each in one transaction.</summary>
public sealed partial class OrderRepository(NpgsqlDataSource dataSource, IOutbox outbox, IOptions<OrderingOptions> options, ILogger<OrderRepository> logger)
{
    /// <summary>Stores a Pending order and its <see cref="OrderSubmitted"/> event together. A repeat of the same
    /// (buyer, key) returns the first order; the unique constraint decides races between replicas. An admission
    /// (<paramref name="admissionId"/>, from a sale's waiting room) places one order: a second is refused. A buyer
    /// holding <see cref="OrderingOptions.MaxOpenOrdersPerBuyer"/> open orders places no more until one ends (checked in
    /// the insert itself, no extra round trip; simultaneous requests of one buyer can pass it by as many as they are,
    /// which the gateway's per-user limit bounds).</summary>
    public async Task<(PlaceOrderOutcome Outcome, Guid OrderId)> PlaceAsync(
        string buyerId, string idempotencyKey, string requestHash, IReadOnlyList<OrderLine> lines, string? admissionId, CancellationToken cancellationToken)
    {
        var orderId = MassTransit.NewId.NextSequentialGuid();
        var total = lines.Sum(l => l.UnitPrice * l.Quantity);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO orders (id, buyer_id, status, total, idempotency_key, request_hash, admission_id)
            SELECT @id, @buyer, 'Pending', @total, @key, @hash, @admission
            WHERE (SELECT count(*) FROM orders WHERE buyer_id = @buyer AND status IN ('Pending', 'StockReserved')) < @open_cap
            ON CONFLICT ON CONSTRAINT orders_idempotency_key DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", orderId);
            insert.Parameters.AddWithValue("buyer", buyerId);
            insert.Parameters.AddWithValue("total", total);
            insert.Parameters.AddWithValue("key", idempotencyKey);
            insert.Parameters.AddWithValue("hash", requestHash);
            insert.Parameters.AddWithValue("admission", (object?)admissionId ?? DBNull.Value);
            insert.Parameters.AddWithValue("open_cap", (long)options.Value.MaxOpenOrdersPerBuyer);
            int inserted;
            try
            {
                inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "orders_admission" })
            {
                return (PlaceOrderOutcome.AdmissionUsed, Guid.Empty);
            }

            if (inserted == 0)
            {
                // the key's order (a replay), or none: then the buyer's open orders were at the cap
                await transaction.RollbackAsync(cancellationToken);
                return await FindByKeyAsync(buyerId, idempotencyKey, requestHash, cancellationToken) is { } existing
                    ? existing
                    : (PlaceOrderOutcome.TooManyOpenOrders, Guid.Empty);
            }
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var line in lines)
            {
                var command = new NpgsqlBatchCommand("INSERT INTO order_lines (order_id, product_id, quantity, unit_price) VALUES ($1, $2, $3, $4)");
                command.Parameters.Add(new NpgsqlParameter { Value = orderId });
                command.Parameters.Add(new NpgsqlParameter { Value = line.ProductId });
                command.Parameters.Add(new NpgsqlParameter { Value = line.Quantity });
                command.Parameters.Add(new NpgsqlParameter { Value = line.UnitPrice });
                batch.BatchCommands.Add(command);
            }

            batch.BatchCommands.Add(HistoryCommand(orderId, OrderStatus.Pending, null));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await outbox.AddAsync(new OrderSubmitted(orderId, buyerId, lines, total, DateTimeOffset.UtcNow), transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.NotifyCommitted();
        return (PlaceOrderOutcome.Created, orderId);
    }

    /// <summary>Applies a trigger inside the caller's transaction (the consumer's inbox transaction): locks the row,
    /// asks the state machine, stores the new status and writes the events its effects call for.
    /// <paramref name="payment"/> is the PaymentSucceeded behind the trigger, if any (a refund names it).</summary>
    public async Task<OrderTransition?> ApplyAsync(
        Guid orderId, OrderTrigger trigger, string? reason, PaymentAnswer? answer, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (await LoadAsync(orderId, transaction.Connection!, transaction, forUpdate: true, cancellationToken) is not var (order, requested))
        {
            return null;
        }

        if (answer is not null && !answer.Answers(requested, order.Total))
        {
            // not the answer to the payment this order asked for: whoever sent it, it neither confirms nor cancels anything
            LogPaymentMismatch(orderId, answer.Succeeded?.PaymentId ?? "(failed)", answer.RequestId, requested, answer.Succeeded?.Amount, order.Total);
            return new OrderTransition(order.Status, order.Status, OrderEffects.None);
        }

        var transition = OrderStateMachine.Apply(order.Status, trigger);
        // a new id for each payment this order asks for, kept with it, so only the answer to this request counts
        Guid? paymentRequest = transition.Effects.HasFlag(OrderEffects.RequestPayment) ? Guid.NewGuid() : null;
        if (transition.Changed)
        {
            await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
            if (paymentRequest is { } id)
            {
                var remember = new NpgsqlBatchCommand("UPDATE orders SET payment_request_id = $1 WHERE id = $2");
                remember.Parameters.Add(new NpgsqlParameter { Value = id });
                remember.Parameters.Add(new NpgsqlParameter { Value = orderId });
                batch.BatchCommands.Add(remember);
            }

            var update = new NpgsqlBatchCommand("UPDATE orders SET status = $1, status_reason = $2, updated_at = now() WHERE id = $3");
            update.Parameters.Add(new NpgsqlParameter { Value = transition.To.ToString() });
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter { Value = orderId });
            batch.BatchCommands.Add(update);
            if (transition.Effects.HasFlag(OrderEffects.AnnouncePaid))
            {
                batch.BatchCommands.Add(HistoryCommand(orderId, OrderStatus.Paid, null));
            }

            batch.BatchCommands.Add(HistoryCommand(orderId, transition.To, reason));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await PublishEffectsAsync(order, transition.Effects, reason, answer?.Succeeded, paymentRequest, transaction, cancellationToken);
        return transition;
    }

    public async Task<Model.Order?> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await LoadAsync(orderId, connection, null, forUpdate: false, cancellationToken))?.Order;
    }

    /// <summary>The buyer's latest orders with their lines: one round trip, two statements over the same page of
    /// orders (never a query per order).</summary>
    public async Task<IReadOnlyList<Model.Order>> ListByBuyerAsync(string buyerId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, status, status_reason, total, created_at, updated_at FROM orders WHERE buyer_id = @buyer ORDER BY created_at DESC, id DESC LIMIT @limit;
            SELECT l.order_id, l.product_id, l.quantity, l.unit_price FROM order_lines l
            WHERE l.order_id IN (SELECT id FROM orders WHERE buyer_id = @buyer ORDER BY created_at DESC, id DESC LIMIT @limit)
            ORDER BY l.order_id, l.product_id
            """);
        command.Parameters.AddWithValue("buyer", buyerId);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var heads = new List<(Guid Id, OrderStatus Status, string? Reason, decimal Total, DateTimeOffset Created, DateTimeOffset Updated)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            heads.Add((reader.GetGuid(0), Enum.Parse<OrderStatus>(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetDecimal(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        await reader.NextResultAsync(cancellationToken);
        var lines = new Dictionary<Guid, List<OrderLine>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var orderId = reader.GetGuid(0);
            if (!lines.TryGetValue(orderId, out var list))
            {
                lines[orderId] = list = [];
            }

            list.Add(new OrderLine(reader.GetInt32(1), reader.GetInt32(2), reader.GetDecimal(3)));
        }

        return [.. heads.Select(h => new Model.Order(h.Id, buyerId, h.Status, h.Reason, h.Total, lines.GetValueOrDefault(h.Id) ?? [], h.Created, h.Updated))];
    }

    /// <summary>Orders still open after <paramref name="age"/>, claimed so replicas do not time out the same one twice.</summary>
    public async Task<int> TimeOutStaleOrdersAsync(TimeSpan age, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stale = new List<Guid>();
        await using (var select = new NpgsqlCommand(
            "SELECT id FROM orders WHERE status IN ('Pending', 'StockReserved') AND created_at < now() - @age ORDER BY created_at LIMIT @limit FOR UPDATE SKIP LOCKED",
            connection, transaction))
        {
            select.Parameters.AddWithValue("age", age);
            select.Parameters.AddWithValue("limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stale.Add(reader.GetGuid(0));
            }
        }

        foreach (var id in stale)
        {
            await ApplyAsync(id, OrderTrigger.TimedOut, $"not completed within {age.TotalSeconds:0} s", null, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (stale.Count > 0)
        {
            outbox.NotifyCommitted();
        }

        return stale.Count;
    }

    private async Task PublishEffectsAsync(
        Model.Order order, OrderEffects effects, string? reason, PaymentSucceeded? payment, Guid? paymentRequest, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (effects.HasFlag(OrderEffects.RequestPayment))
        {
            await outbox.AddAsync(new PaymentRequested(order.Id, order.BuyerId, order.Total, paymentRequest), transaction, cancellationToken);
        }

        if (effects.HasFlag(OrderEffects.ReleaseStock))
        {
            await outbox.AddAsync(new StockReleaseRequested(order.Id), transaction, cancellationToken);
        }

        if (effects.HasFlag(OrderEffects.AnnouncePaid))
        {
            await outbox.AddAsync(new OrderPaid(order.Id, order.BuyerId, order.Lines, order.Total), transaction, cancellationToken);
        }

        if (effects.HasFlag(OrderEffects.AnnounceConfirmed))
        {
            await outbox.AddAsync(new OrderConfirmed(order.Id, order.BuyerId, order.Total), transaction, cancellationToken);
        }

        if (effects.HasFlag(OrderEffects.AnnounceCancelled))
        {
            await outbox.AddAsync(new OrderCancelled(order.Id, order.BuyerId, reason ?? "cancelled"), transaction, cancellationToken);
        }

        if (effects.HasFlag(OrderEffects.RequestRefund))
        {
            var paid = payment ?? throw new InvalidOperationException($"Order {order.Id}: a refund needs the payment that succeeded");
            await outbox.AddAsync(
                new RefundRequested(order.Id, paid.PaymentId, paid.Amount, $"order cancelled before its payment succeeded ({order.StatusReason ?? "cancelled"})"),
                transaction, cancellationToken);
        }
    }

    private async Task<(PlaceOrderOutcome, Guid)?> FindByKeyAsync(string buyerId, string key, string requestHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, request_hash FROM orders WHERE buyer_id = @buyer AND idempotency_key = @key");
        command.Parameters.AddWithValue("buyer", buyerId);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.GetString(1) == requestHash ? PlaceOrderOutcome.Replayed : PlaceOrderOutcome.KeyReusedWithDifferentRequest, reader.GetGuid(0));
    }

    private static NpgsqlBatchCommand HistoryCommand(Guid orderId, OrderStatus status, string? reason)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO order_status_history (order_id, status, reason) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        command.Parameters.Add(new NpgsqlParameter { Value = status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value });
        return command;
    }

    /// <summary>The order, and the id of the payment it asked for (none before it asked, or before ids were kept).</summary>
    private static async Task<(Model.Order Order, Guid? PaymentRequestId)?> LoadAsync(
        Guid orderId, NpgsqlConnection connection, NpgsqlTransaction? transaction, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT buyer_id, status, status_reason, total, created_at, updated_at, payment_request_id FROM orders WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")};" +
            "SELECT product_id, quantity, unit_price FROM order_lines WHERE order_id = @id ORDER BY product_id",
            connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var (buyer, status, reason, total, created, updated) = (reader.GetString(0), Enum.Parse<OrderStatus>(reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDecimal(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));
        Guid? paymentRequest = reader.IsDBNull(6) ? null : reader.GetGuid(6);
        await reader.NextResultAsync(cancellationToken);
        var lines = new List<OrderLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new OrderLine(reader.GetInt32(0), reader.GetInt32(1), reader.GetDecimal(2)));
        }

        return (new Model.Order(orderId, buyer, status, reason, total, lines, created, updated), paymentRequest);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored payment {PaymentId} for order {OrderId}: it answers request {RequestId} for {Amount}, the order asked {Requested} for {Total}")]
    private partial void LogPaymentMismatch(Guid orderId, string paymentId, Guid? requestId, Guid? requested, decimal? amount, decimal total);
}
