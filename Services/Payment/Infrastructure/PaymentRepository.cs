using Npgsql;
using NpgsqlTypes;
using Platform.Payment.Model;

namespace Platform.Payment.Infrastructure;

public sealed class PaymentRepository(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "order_id, payment_id, amount, status, failure_reason, fence, created_at, updated_at, refund_id, refund_reason, reconcile_after, reconciled_at, buyer_id";

    /// <summary>
    /// Claims the order's row for the holder of fencing token <paramref name="fence"/>: inserts it as pending, or
    /// moves an existing row's fence forward. Null when a holder with a newer token got there first (this holder's
    /// lock is stale). The row stays locked until <paramref name="transaction"/> ends, so a second consumer of the
    /// same order waits here even in the moment between our lock release and our commit.
    /// </summary>
    public async Task<PaymentRecord?> ClaimAsync(Guid orderId, string buyerId, decimal amount, long fence, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO payments (order_id, buyer_id, amount, status, fence) VALUES (@order, @buyer, @amount, '{PaymentStatus.Pending}', @fence)
            ON CONFLICT (order_id) DO UPDATE SET fence = EXCLUDED.fence, updated_at = now()
            WHERE payments.fence < EXCLUDED.fence
            RETURNING {Columns}
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("buyer", buyerId);
        command.Parameters.AddWithValue("amount", amount);
        command.Parameters.AddWithValue("fence", fence);
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>
    /// Records the outcome; false when the row's fence moved on (a newer holder owns it now). A non-null
    /// <paramref name="reconcileIn"/> hands the row to the reconciler after that long.
    /// </summary>
    public async Task<bool> CompleteAsync(
        Guid orderId, long fence, string status, string? paymentId, string? failureReason, TimeSpan? reconcileIn, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE payments SET status = @status, payment_id = @payment, failure_reason = @reason,
                reconcile_after = now() + @reconcile_in, updated_at = now()
            WHERE order_id = @order AND fence = @fence
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("fence", fence);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("payment", (object?)paymentId ?? DBNull.Value);
        command.Parameters.AddWithValue("reason", (object?)failureReason ?? DBNull.Value);
        command.Parameters.Add(Interval("reconcile_in", reconcileIn));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<PaymentRecord?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM payments WHERE order_id = @order");
        command.Parameters.AddWithValue("order", orderId);
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>The order's row, locked until <paramref name="transaction"/> ends (charges and refunds of it wait).</summary>
    public async Task<PaymentRecord?> LockAsync(Guid orderId, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM payments WHERE order_id = @order FOR UPDATE", transaction.Connection, transaction);
        command.Parameters.AddWithValue("order", orderId);
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>
    /// The oldest row due for reconciliation that nobody else holds, locked until <paramref name="transaction"/>
    /// ends: replicas (and a RefundRequested consumer busy with the same row) each take different rows.
    /// </summary>
    public async Task<PaymentRecord?> ClaimDueAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM payments WHERE reconcile_after <= now()
            ORDER BY reconcile_after LIMIT 1 FOR UPDATE SKIP LOCKED
            """, transaction.Connection, transaction);
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Records that the money of a succeeded payment must go back, due at once.</summary>
    public Task RequestRefundAsync(Guid orderId, string reason, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        UpdateAsync("reconcile_after = now(), refund_reason = @reason", orderId, transaction, cancellationToken, new NpgsqlParameter("reason", reason));

    public Task MarkRefundedAsync(Guid orderId, string chargeId, string? refundId, string reason, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        UpdateAsync(
            $"status = '{PaymentStatus.Refunded}', payment_id = @charge, refund_id = @refund, refund_reason = coalesce(refund_reason, @reason), reconcile_after = NULL, reconciled_at = now()",
            orderId, transaction, cancellationToken,
            new NpgsqlParameter("charge", chargeId), new NpgsqlParameter("refund", (object?)refundId ?? DBNull.Value), new NpgsqlParameter("reason", reason));

    public Task SettleNoChargeAsync(Guid orderId, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        UpdateAsync("reconcile_after = NULL, reconciled_at = now()", orderId, transaction, cancellationToken);

    public Task RescheduleAsync(Guid orderId, TimeSpan after, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        UpdateAsync("reconcile_after = now() + @after", orderId, transaction, cancellationToken, Interval("after", after));

    private static async Task UpdateAsync(string assignments, Guid orderId, NpgsqlTransaction transaction, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand($"UPDATE payments SET {assignments}, updated_at = now() WHERE order_id = @order", transaction.Connection, transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Typed, so that a null interval makes now() + NULL a NULL timestamp rather than an untyped-parameter error.
    private static NpgsqlParameter Interval(string name, TimeSpan? value) =>
        new(name, NpgsqlDbType.Interval) { Value = (object?)value ?? DBNull.Value };

    private static async Task<PaymentRecord?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new PaymentRecord(
            reader.GetGuid(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetDecimal(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetInt64(5),
            reader.GetFieldValue<DateTimeOffset>(6),
            reader.GetFieldValue<DateTimeOffset>(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
            reader.IsDBNull(12) ? null : reader.GetString(12));
    }
}
