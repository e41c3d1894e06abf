using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Messaging.Inbox;
using Platform.Messaging.Tests.Events;
using Platform.Testing;
using Xunit;

namespace Platform.Messaging.Tests;

/// <summary>The AppHost's PostgreSQL and RabbitMQ (one database of it is this test's service database), and one
/// service host in the test process using both.</summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    private PlatformApp? _servers;
    private IHost? _service;

    public PlatformApp Servers => _servers!;

    public IServiceProvider Services => _service!.Services;

    public static ConcurrentDictionary<Guid, ReceivedEvent> Received { get; } = new();

    /// <summary>A message whose name starts with this makes the consumer throw, every time.</summary>
    public const string PoisonPrefix = "poison-";

    /// <summary>How many times the consumer was handed each poison message.</summary>
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _servers = await PlatformAppBuilder.Create().Only("notificationdb", "messaging").StartAsync(TimeSpan.FromSeconds(120));

        var service = Host.CreateApplicationBuilder();
        service.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:servicedb"] = await _servers.ConnectionStringAsync("notificationdb"),
            ["ConnectionStrings:messaging"] = await _servers.ConnectionStringAsync("messaging"),
        });
        service.AddServiceDatabase("servicedb");
        service.AddRabbitMQMessaging("messaging", bus => bus.AddConsumer<RecordingConsumer>());
        service.AddTransactionalOutbox(options => options.PollInterval = TimeSpan.FromMilliseconds(500));
        service.AddInbox();
        _service = service.Build();
        await using (var command = _service.Services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("CREATE TABLE IF NOT EXISTS effects (message_id uuid NOT NULL, name text NOT NULL)"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await _service.StartAsync();

        // The host starts the bus without waiting for its receive endpoint to declare its queue and bindings. Until it
        // has, RabbitMQ drops what is published (no queue is bound yet), so a test that stops the broker at once could
        // lose its event before the topology ever existed: wait until the bus reports healthy.
        var bus = _service.Services.GetRequiredService<IBusControl>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The bus's receive endpoint did not become ready within 60 s.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync();
            _service.Dispose();
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    public sealed record ReceivedEvent(Guid MessageId, string Name, string? TraceId);

    /// <summary>Records each effect in the database (inside the inbox transaction) and in memory.</summary>
    public sealed class RecordingConsumer(NpgsqlDataSource dataSource) : InboxConsumer<ThingHappened>(dataSource)
    {
        protected override async Task HandleAsync(ConsumeContext<ThingHappened> context, NpgsqlTransaction transaction)
        {
            if (context.Message.Name.StartsWith(PoisonPrefix, StringComparison.Ordinal))
            {
                Attempts.AddOrUpdate(context.Message.Name, 1, (_, n) => n + 1);
                throw new InvalidOperationException($"cannot handle {context.Message.Name}");
            }

            await using var command = new NpgsqlCommand("INSERT INTO effects (message_id, name) VALUES (@id, @name)", transaction.Connection, transaction);
            command.Parameters.AddWithValue("id", context.MessageId!.Value);
            command.Parameters.AddWithValue("name", context.Message.Name);
            await command.ExecuteNonQueryAsync(context.CancellationToken);
            Received[context.MessageId!.Value] = new ReceivedEvent(context.MessageId.Value, context.Message.Name, Activity.Current?.TraceId.ToString());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingFixture>
{
    public const string Name = "Messaging";
}
