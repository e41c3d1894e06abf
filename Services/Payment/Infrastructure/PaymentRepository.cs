using Npgsql;
using Platform.Payment.Model;

namespace Platform.Payment.Infrastructure;

public sealed class PaymentRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "order_id, payment_id, amount, status, failure_reason, fence, created_at, updated_at";

    /// <summary>
    /// Claims the order's row for the holder of fencing token <paramref name="fence"/>: inserts it as pending, or
    /// moves an existing row's fence forward. Null when a holder with a newer token got there first (this holder's
    /// lock is stale). The row stays locked until <paramref name="transaction"/> ends, so a second consumer of the
    /// same order waits here even in the moment between our lock release and our commit.
    /// </summary>
    public async Task<PaymentRecord?> ClaimAsync(Guid orderId, decimal amount, long fence, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO payments (order_id, amount, status, fence) VALUES (@order, @amount, '{PaymentStatus.Pending}', @fence)
            ON CONFLICT (order_id) DO UPDATE SET fence = EXCLUDED.fence, updated_at = now()
            WHERE payments.fence < EXCLUDED.fence
            RETURNING {Columns}
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("amount", amount);
        command.Parameters.AddWithValue("fence", fence);
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Records the outcome; false when the row's fence moved on (a newer holder owns it now).</summary>
    public async Task<bool> CompleteAsync(Guid orderId, long fence, string status, string? paymentId, string? failureReason, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE payments SET status = @status, payment_id = @payment, failure_reason = @reason, updated_at = now()
            WHERE order_id = @order AND fence = @fence
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("fence", fence);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("payment", (object?)paymentId ?? DBNull.Value);
        command.Parameters.AddWithValue("reason", (object?)failureReason ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<PaymentRecord?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM payments WHERE order_id = @order");
        command.Parameters.AddWithValue("order", orderId);
        return await ReadSingleAsync(command, cancellationToken);
    }

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
            reader.GetFieldValue<DateTimeOffset>(7));
    }
}
