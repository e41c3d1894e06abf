using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Messaging.Outbox;

namespace Platform.Messaging.Inbox;

/// <summary>
/// An idempotent consumer: the message id is inserted into <c>inbox_messages</c> in the same transaction as the
/// effect, under a unique key, so a redelivered or republished message changes nothing the second time. A concurrent
/// duplicate waits on the key until the first commits (then skips) or rolls back (then runs). A consumer given the
/// <paramref name="outbox"/> it writes its answers to has them sent as soon as the transaction commits.
/// </summary>
public abstract class InboxConsumer<TMessage>(NpgsqlDataSource dataSource, IOutbox? outbox = null) : IConsumer<TMessage>
    where TMessage : class
{
    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; the inbox cannot de-duplicate it.");
        // a slot before a connection: the service's handlers together never hold more of the pool than HandlerSlots allows
        using var slot = context.TryGetPayload(out IServiceProvider? scope) && scope.GetService<HandlerSlots>() is { } slots
            ? await slots.EnterAsync(context.CancellationToken).ConfigureAwait(false)
            : (HandlerSlots.Slot?)null;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken).ConfigureAwait(false);
        await using (var record = new NpgsqlCommand(
            "INSERT INTO inbox_messages (message_id, consumer) VALUES (@id, @consumer) ON CONFLICT DO NOTHING", connection, transaction))
        {
            record.Parameters.AddWithValue("id", messageId);
            record.Parameters.AddWithValue("consumer", GetType().FullName!);
            if (await record.ExecuteNonQueryAsync(context.CancellationToken).ConfigureAwait(false) == 0)
            {
                // MassTransit puts the consumer's scope on the context
                if (context.TryGetPayload(out IServiceProvider? services))
                {
                    services.GetService<MessagingMetrics>()?.RecordDuplicate(GetType().Name);
                    if (services.GetService<ILoggerFactory>()?.CreateLogger(InboxLog.Category) is { } logger)
                    {
                        InboxLog.Dropped(logger, typeof(TMessage).Name, messageId, GetType().Name);
                    }
                }

                return;
            }
        }

        await HandleAsync(context, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);
        // only now: a dispatcher woken inside the handler finds the rows still uncommitted and sleeps until its next poll
        outbox?.NotifyCommitted();
    }

    /// <summary>The outbox given to the constructor, where the handler writes its answers in the inbox transaction.</summary>
    protected IOutbox Outbox => outbox ?? throw new InvalidOperationException($"{GetType().Name} was constructed without an outbox.");

    /// <summary>Applies the message's effect inside <paramref name="transaction"/>; throw to have it retried.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, NpgsqlTransaction transaction);
}
