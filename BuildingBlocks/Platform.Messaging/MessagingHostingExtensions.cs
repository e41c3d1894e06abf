using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Messaging;
using Platform.Messaging.Inbox;
using Platform.Messaging.Maintenance;
using Platform.Messaging.Outbox;
using Platform.Messaging.Redelivery;
using Platform.Messaging.Topology;
using Platform.Npgsql.Schema;

namespace Microsoft.Extensions.Hosting;

public static class MessagingHostingExtensions
{
    /// <summary>
    /// MassTransit over the RabbitMQ named by <c>ConnectionStrings:{connectionName}</c> (Aspire's amqp:// URI), with
    /// publisher confirms, durable queues and persistent messages (MassTransit's defaults, kept), retries with
    /// exponential backoff before a message is parked in its <c>_error</c> queue, parked messages re-driven once the
    /// service is healthy (<see cref="ParkedMessageOptions"/>), and W3C trace context carried in headers.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMQMessaging(this IHostApplicationBuilder builder, string connectionName, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        var broker = BrokerAddress.Parse(connectionString, connectionName);
        builder.Services.AddSingleton(broker);
        builder.Services.AddOptions<ParkedMessageOptions>().BindConfiguration("Messaging:ParkedMessages");
        builder.Services.AddSingleton<ReceiveQueues>();
        builder.Services.AddReceiveEndpointObserver(services => services.GetRequiredService<ReceiveQueues>());
        builder.Services.TryAddSingleton<MessagingMetrics>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ParkedMessageRedriver>();
        builder.Services.AddHealthChecks().AddCheck<ConsumersStartedHealthCheck>(ConsumersStartedHealthCheck.Name);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            // A broker outage leaves the service able to take requests (its outbox keeps them): Degraded, never a
            // failing /health that would take every replica out of rotation at once.
            bus.ConfigureHealthCheckOptions(health => health.MinimalFailureStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, broker.Port, "/", host =>
                {
                    host.Username(broker.UserName);
                    host.Password(broker.Password);
                    host.PublisherConfirmation = true;
                    host.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                });
                rabbit.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// Declares the system's subscriptions (every consumer's queue and bindings, services' own or not) before this
    /// process's outbox publishes anything: an event published before its consumer's service ever started then
    /// waits in that queue. Call after <see cref="AddRabbitMQMessaging"/>.
    /// </summary>
    public static IHostApplicationBuilder DeclareSubscriptions(this IHostApplicationBuilder builder, IEnumerable<(Type Event, string Queue)> subscriptions)
    {
        IReadOnlyList<Subscription> all = [.. subscriptions.Select(s => new Subscription(s.Event, s.Queue))];
        builder.Services.AddSingleton(new TopologyGate(declares: true));
        builder.Services.AddHostedService(services => new SubscriptionDeclaration(
            services.GetRequiredService<BrokerAddress>(), all, services.GetRequiredService<TopologyGate>(),
            services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SubscriptionDeclaration>>()));
        return builder;
    }

    /// <summary>The transactional outbox of this service's database: events written in the business transaction,
    /// published after commit by <see cref="OutboxDispatcher"/>. Needs an <c>NpgsqlDataSource</c> and messaging.</summary>
    public static IHostApplicationBuilder AddTransactionalOutbox(this IHostApplicationBuilder builder, Action<OutboxOptions>? configure = null)
    {
        builder.Services.AddOptions<OutboxOptions>().Configure(options => configure?.Invoke(options));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton(new TopologyGate(declares: false));
        builder.Services.AddSingleton<IOutbox, NpgsqlOutbox>();
        builder.Services.AddHostedService<OutboxDispatcher>();
        return builder.AddMessagingSchema();
    }

    /// <summary>Idempotent consumers: <see cref="Inbox.InboxConsumer{TMessage}"/> records each message id in the
    /// service's database in the same transaction as its effect.</summary>
    public static IHostApplicationBuilder AddInbox(this IHostApplicationBuilder builder)
    {
        var poolSize = builder.Configuration.GetValue(NpgsqlHostingExtensions.MaxPoolSizeKey, NpgsqlHostingExtensions.DefaultMaxPoolSize);
        builder.Services.TryAddSingleton(new HandlerSlots(builder.Configuration.GetValue(HandlerSlots.MaxConcurrentHandlersKey, Math.Max(1, poolSize / 3))));
        return builder.AddMessagingSchema();
    }

    /// <summary>The outbox and inbox tables, once, among the service database's schema steps (AddServiceDatabase applies them).
    /// The tables are pruned and their backlog measured by one <see cref="MessagingTablesMaintenance"/>.</summary>
    private static IHostApplicationBuilder AddMessagingSchema(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ImplementationInstance is SchemaMigrationSet { Owner: MessagingSchema.Owner }))
        {
            return builder;
        }

        builder.Services.AddOptions<MessagingTablesOptions>().BindConfiguration("Messaging:Tables");
        builder.Services.TryAddSingleton<MessagingMetrics>();
        builder.Services.AddHostedService<MessagingTablesMaintenance>();
        return builder.AddSchemaMigrations(MessagingSchema.Owner, MessagingSchema.Migrations);
    }
}
