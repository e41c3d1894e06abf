using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Messaging.Outbox;

internal sealed class NpgsqlOutbox(OutboxSignal signal) : IOutbox
{
    public async Task<Guid> AddAsync<TMessage>(TMessage message, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where TMessage : class
    {
        var id = NewId.NextSequentialGuid();
        await using var command = new NpgsqlCommand(
            "INSERT INTO outbox_messages (id, message_type, payload, trace_parent) VALUES (@id, @type, @payload, @trace)",
            transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("type", MessageTypeName.Of(message.GetType()));
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(message, message.GetType(), MessageJson.Options) });
        // The trace continues from the request that wrote the event, however late the dispatcher sends it.
        command.Parameters.AddWithValue("trace", (object?)Activity.Current?.Id ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    public void NotifyCommitted() => signal.Set();
}
