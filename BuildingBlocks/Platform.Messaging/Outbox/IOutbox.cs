using Npgsql;

namespace Platform.Messaging.Outbox;

/// <summary>Writes an integration event in the caller's transaction: it is published if and only if that transaction
/// commits (eShop's integration event log, over plain Npgsql).</summary>
public interface IOutbox
{
    /// <returns>The message id consumers see (and de-duplicate on).</returns>
    Task<Guid> AddAsync<TMessage>(TMessage message, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where TMessage : class;

    /// <summary>Wakes the dispatcher after a commit, so the event leaves within milliseconds rather than a poll interval.</summary>
    void NotifyCommitted();
}
