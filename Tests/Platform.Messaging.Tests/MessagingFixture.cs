using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
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

    /// <summary>A consumer's queue declared by the fixture's subscriptions, though no consumer of it runs.</summary>
    public const string NotYetStartedQueue = "thing-audit";

    /// <summary>A message whose name starts with this makes the consumer throw, every time.</summary>
    public const string PoisonPrefix = "poison-";

    /// <summary>How many times the consumer was handed each poison message.</summary>
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    /// <summary>Names the consumer fails while they are here: a dependency that is away, then back.</summary>
    public static ConcurrentDictionary<string, byte> Failing { get; } = new();

    /// <summary>A message whose name starts with this holds its handler until <see cref="SlowGate"/> opens.</summary>
    public const string SlowPrefix = "slow-";

    /// <summary>The service's handler slots (<see cref="HandlerSlots"/>): few, so a test can fill them.</summary>
    public const int HandlerSlotCount = 2;

    public static TaskCompletionSource SlowGate { get; set; } = new();

    private static int _slowInFlight;
    private static int _mostSlowInFlight;

    /// <summary>The most slow handlers that ran at once.</summary>
    public static int MostSlowInFlight => Volatile.Read(ref _mostSlowInFlight);

    public async ValueTask InitializeAsync()
    {
        _servers = await PlatformAppBuilder.Create().Only("notificationdb", "messaging").StartAsync(TimeSpan.FromSeconds(120));
        _service = await CreateServiceAsync();
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

    /// <summary>A service host on the fixture's database and broker, built and not started: the fixture's own, or a
    /// second one a test starts itself (a replica started during an outage).</summary>
    public async Task<IHost> CreateServiceAsync()
    {
        var service = Host.CreateApplicationBuilder();
        service.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:servicedb"] = await Servers.ConnectionStringAsync("notificationdb"),
            ["ConnectionStrings:messaging"] = await Servers.ConnectionStringAsync("messaging"),
            // seconds instead of minutes, so a test sees a parked message come back and old rows go
            ["Messaging:ParkedMessages:FirstDelay"] = "00:00:05",
            ["Messaging:ParkedMessages:Interval"] = "00:00:00.500",
            ["Messaging:ParkedMessages:MaxRedrives"] = "2",
            ["Messaging:ParkedMessages:PassTimeout"] = "00:00:05",
            ["Messaging:Tables:Interval"] = "00:00:00.500",
            [HandlerSlots.MaxConcurrentHandlersKey] = HandlerSlotCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        service.Logging.AddFakeLogging(); // what a failing test reports (FakeLogCollector)
        service.AddServiceDatabase("servicedb");
        service.AddRabbitMQMessaging("messaging", bus => bus.AddConsumer<RecordingConsumer>());
        // the fixture's own consumer's queue, and one whose service has not started yet (nobody consumes it)
        service.DeclareSubscriptions([(typeof(ThingHappened), "recording"), (typeof(ThingHappened), NotYetStartedQueue)]);
        service.AddTransactionalOutbox(options => options.PollInterval = TimeSpan.FromMilliseconds(500));
        service.AddInbox();
        return service.Build();
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

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Writes <paramref name="message"/> (a <see cref="ThingHappened"/> named <paramref name="name"/> unless
    /// given) to the outbox in a transaction that commits or rolls back.</summary>
    public async Task<Guid> WriteAsync(string name, bool commit, object? message = null)
    {
        var outbox = Services.GetRequiredService<IOutbox>();
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var id = await outbox.AddAsync(message ?? new ThingHappened(name), transaction, ct);
        if (commit)
        {
            await transaction.CommitAsync(ct);
            outbox.NotifyCommitted();
        }
        else
        {
            await transaction.RollbackAsync(ct);
        }

        return id;
    }

    public async Task<long> ScalarAsync(string sql, Guid id)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<ReceivedEvent> WaitForAsync(Guid id, TimeSpan? timeout = null)
    {
        timeout ??= TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + timeout.Value;
        while (DateTime.UtcNow < deadline)
        {
            if (Received.TryGetValue(id, out var received))
            {
                return received;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Message {id} was not delivered within {timeout}.");
    }

    /// <summary>Looks through a queue without consuming it: unacknowledged messages go back when the channel closes.</summary>
    public static async Task<RabbitMQ.Client.BasicGetResult?> FindInQueueAsync(RabbitMQ.Client.IConnection connection, string queue, string text, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false, ct) is { } message)
            {
                if (System.Text.Encoding.UTF8.GetString(message.Body.Span).Contains(text, StringComparison.Ordinal))
                {
                    return message;
                }
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // the queue does not exist yet (MassTransit declares an error queue with the first message it parks)
        }

        return null;
    }

    public async Task<RabbitMQ.Client.IConnection> ConnectToBrokerAsync(CancellationToken ct) =>
        await new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(await Servers.ConnectionStringAsync("messaging", ct)) }.CreateConnectionAsync(ct);

    public sealed record ReceivedEvent(Guid MessageId, string Name, string? TraceId);

    /// <summary>Records each effect in the database (inside the inbox transaction) and in memory.</summary>
    public sealed class RecordingConsumer(NpgsqlDataSource dataSource) : InboxConsumer<ThingHappened>(dataSource)
    {
        protected override async Task HandleAsync(ConsumeContext<ThingHappened> context, NpgsqlTransaction transaction)
        {
            if (context.Message.Name.StartsWith(PoisonPrefix, StringComparison.Ordinal) || Failing.ContainsKey(context.Message.Name))
            {
                Attempts.AddOrUpdate(context.Message.Name, 1, (_, n) => n + 1);
                throw new InvalidOperationException($"cannot handle {context.Message.Name}");
            }

            if (context.Message.Name.StartsWith(SlowPrefix, StringComparison.Ordinal))
            {
                var inFlight = Interlocked.Increment(ref _slowInFlight);
                int most;
                while (inFlight > (most = Volatile.Read(ref _mostSlowInFlight)) && Interlocked.CompareExchange(ref _mostSlowInFlight, inFlight, most) != most)
                {
                }

                await SlowGate.Task.WaitAsync(context.CancellationToken);
                Interlocked.Decrement(ref _slowInFlight);
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
