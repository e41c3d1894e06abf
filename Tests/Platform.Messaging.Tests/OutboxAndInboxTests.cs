using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Messaging.Outbox;
using Platform.Messaging.Tests.Events;
using Xunit;

namespace Platform.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class OutboxAndInboxTests(MessagingFixture fixture)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    private NpgsqlDataSource DataSource => fixture.Services.GetRequiredService<NpgsqlDataSource>();

    private IOutbox Outbox => fixture.Services.GetRequiredService<IOutbox>();

    [Fact]
    public async Task An_event_written_in_a_committed_transaction_is_delivered_with_its_trace()
    {
        using var source = new ActivitySource("test");
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var request = source.StartActivity("request")!;

        var id = await WriteAsync("committed", commit: true);

        var received = await WaitForAsync(id);
        Assert.Equal("committed", received.Name);
        Assert.Equal(request.TraceId.ToString(), received.TraceId);
    }

    [Fact]
    public async Task An_event_written_in_a_rolled_back_transaction_is_never_published()
    {
        var rolledBack = await WriteAsync("rolled-back", commit: false);
        var committed = await WriteAsync("after-rollback", commit: true);

        await WaitForAsync(committed);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(MessagingFixture.Received.ContainsKey(rolledBack));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id", rolledBack));
    }

    [Fact]
    public async Task The_same_message_delivered_twice_takes_effect_once()
    {
        var bus = fixture.Services.GetRequiredService<IBus>();
        var messageId = NewId.NextGuid();
        var duplicate = new ThingHappened("duplicate");

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            bus.Publish(duplicate, context => context.MessageId = messageId, TestContext.Current.CancellationToken)));

        await WaitForAsync(messageId);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM effects WHERE message_id = @id", messageId));
    }

    [Fact]
    public async Task Events_committed_while_the_broker_is_down_are_delivered_once_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Servers.StopAsync("messaging", ct);
        Guid id;
        try
        {
            id = await WriteAsync("while-broker-down", commit: true);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            Assert.False(MessagingFixture.Received.ContainsKey(id));
            Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id AND sent_at IS NULL", id));
        }
        finally
        {
            await fixture.Servers.StartAsync("messaging", ct);
        }

        await fixture.Servers.WaitForHealthyAsync("messaging", TimeSpan.FromSeconds(60), ct);
        var received = await WaitForAsync(id, TimeSpan.FromSeconds(150));
        Assert.Equal("while-broker-down", received.Name);
    }

    [Fact]
    public async Task A_message_its_consumer_always_fails_is_retried_then_kept_in_the_error_queue_with_its_fault()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = MessagingFixture.PoisonPrefix + Guid.NewGuid().ToString("N");
        var id = await WriteAsync(name, commit: true);

        // The first delivery and MassTransit's 5 retries with backoff (0.2 s ... 10 s), then the error queue.
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(await fixture.Servers.ConnectionStringAsync("messaging", ct)) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        RabbitMQ.Client.BasicGetResult? faulted = null;
        while (faulted is null && DateTime.UtcNow < deadline)
        {
            faulted = await FindInQueueAsync(connection, "recording_error", name, ct);
            await Task.Delay(faulted is null ? 500 : 0, ct);
        }

        Assert.NotNull(faulted);
        Assert.Equal(6, MessagingFixture.Attempts[name]);
        Assert.Equal(id.ToString(), faulted.BasicProperties.MessageId);
        var headers = faulted.BasicProperties.Headers!;
        Assert.Contains("MT-Fault-ExceptionType", headers.Keys);
        Assert.Contains("cannot handle", System.Text.Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!));
        Assert.False(MessagingFixture.Received.ContainsKey(id));
    }

    /// <summary>Looks through a queue without consuming it: unacknowledged messages go back when the channel closes.</summary>
    private static async Task<RabbitMQ.Client.BasicGetResult?> FindInQueueAsync(RabbitMQ.Client.IConnection connection, string queue, string text, CancellationToken ct)
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
            // the error queue does not exist until MassTransit faults a first message
        }

        return null;
    }

    private async Task<Guid> WriteAsync(string name, bool commit)
    {
        await using var connection = await DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var id = await Outbox.AddAsync(new ThingHappened(name), transaction, TestContext.Current.CancellationToken);
        if (commit)
        {
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
            Outbox.NotifyCommitted();
        }
        else
        {
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        return id;
    }

    private async Task<long> ScalarAsync(string sql, Guid id)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task<MessagingFixture.ReceivedEvent> WaitForAsync(Guid id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Delivery);
        while (DateTime.UtcNow < deadline)
        {
            if (MessagingFixture.Received.TryGetValue(id, out var received))
            {
                return received;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Message {id} was not delivered within {timeout ?? Delivery}.");
    }
}
