using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Platform.Messaging.Topology;

/// <summary>
/// Declares every consumer's queue and its bindings in the whole system, as MassTransit itself declares them (a
/// durable fanout exchange per message type bound to a durable fanout exchange named after the queue, bound to the
/// durable queue), before this process's outbox publishes. So an event published before its consumer's service ever
/// started (a first start, a consumer added later) waits in that consumer's queue instead of being dropped. The
/// declarations are idempotent and identical to MassTransit's, so whoever comes first, nothing conflicts. Retries
/// until the broker answers; the outbox waits meanwhile.
/// </summary>
internal sealed partial class SubscriptionDeclaration(
    BrokerAddress broker, IReadOnlyList<Subscription> subscriptions, TopologyGate gate, ILogger<SubscriptionDeclaration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await DeclareAsync(stoppingToken).ConfigureAwait(false);
                gate.Open();
                LogDeclared(subscriptions.Count);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeclareAsync(CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker.Uri, ClientProvidedName = "subscription-declaration" }
            .CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var subscription in subscriptions)
        {
            await channel.ExchangeDeclareAsync(subscription.Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(subscription.Queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueDeclareAsync(subscription.Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(subscription.Queue, subscription.Queue, "", cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.ExchangeBindAsync(subscription.Queue, subscription.Exchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared {Count} subscriptions (queues and bindings) before publishing")]
    private partial void LogDeclared(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declaring the subscriptions failed; the outbox waits and this retries")]
    private partial void LogFailed(Exception exception);
}
