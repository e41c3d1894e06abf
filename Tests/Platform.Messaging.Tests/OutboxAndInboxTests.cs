using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Platform.Messaging.Outbox;
using Platform.Messaging.Tests.Events;
using Xunit;

namespace Platform.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class OutboxAndInboxTests(MessagingFixture fixture)
{
    [Fact]
    public async Task An_event_written_in_a_committed_transaction_is_delivered_with_its_trace()
    {
        using var source = new ActivitySource("test");
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var request = source.StartActivity("request")!;

        var id = await fixture.WriteAsync("committed", commit: true);

        var received = await MessagingFixture.WaitForAsync(id);
        Assert.Equal("committed", received.Name);
        Assert.Equal(request.TraceId.ToString(), received.TraceId);
    }

    [Fact]
    public async Task An_event_written_in_a_rolled_back_transaction_is_never_published()
    {
        var rolledBack = await fixture.WriteAsync("rolled-back", commit: false);
        var committed = await fixture.WriteAsync("after-rollback", commit: true);

        // the row never existed outside its transaction: once the one committed after it left, nothing can send it
        await MessagingFixture.WaitForAsync(committed);
        Assert.False(MessagingFixture.Received.ContainsKey(rolledBack));
        Assert.Equal(0L, await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id", rolledBack));
    }

    [Fact]
    public async Task The_same_message_delivered_twice_takes_effect_once()
    {
        var bus = fixture.Services.GetRequiredService<IBus>();
        var messageId = NewId.NextGuid();
        var duplicate = new ThingHappened("duplicate");

        var metrics = fixture.Services.GetRequiredService<MessagingMetrics>();
        var duplicatesBefore = metrics.Duplicates(nameof(MessagingFixture.RecordingConsumer));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            bus.Publish(duplicate, context => context.MessageId = messageId, TestContext.Current.CancellationToken)));

        // one delivery takes effect; the inbox drops the other two (and counts them)
        await MessagingFixture.WaitForAsync(messageId);
        await OutboxFailureTests.WaitUntilAsync(
            () => Task.FromResult(metrics.Duplicates(nameof(MessagingFixture.RecordingConsumer)) - duplicatesBefore >= 2), TimeSpan.FromSeconds(30));
        Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM effects WHERE message_id = @id", messageId));
    }

    [Fact]
    public async Task Events_committed_while_the_broker_is_down_are_delivered_once_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Servers.StopAsync("messaging", ct);
        Guid id;
        try
        {
            var writing = DateTimeOffset.UtcNow;
            id = await fixture.WriteAsync("while-broker-down", commit: true);
            // the dispatcher tried to publish it and failed: only after that does "not delivered" mean something
            var log = fixture.Services.GetRequiredService<FakeLogCollector>();
            await OutboxFailureTests.WaitUntilAsync(() => Task.FromResult(log.GetSnapshot().Any(r =>
                r.Timestamp > writing && r.Message.StartsWith("Outbox dispatch failed", StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
            Assert.False(MessagingFixture.Received.ContainsKey(id));
            Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id AND sent_at IS NULL", id));
        }
        finally
        {
            await fixture.Servers.StartAsync("messaging", ct);
        }

        await fixture.Servers.WaitForHealthyAsync("messaging", TimeSpan.FromSeconds(60), ct);
        var received = await MessagingFixture.WaitForAsync(id, TimeSpan.FromSeconds(150));
        Assert.Equal("while-broker-down", received.Name);
    }

    [Fact]
    public async Task A_message_its_consumer_always_fails_is_retried_then_kept_in_the_error_queue_with_its_fault()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = MessagingFixture.PoisonPrefix + Guid.NewGuid().ToString("N");
        var id = await fixture.WriteAsync(name, commit: true);

        // The first delivery and MassTransit's 5 retries with backoff (0.2 s ... 10 s), then the error queue.
        await using var connection = await fixture.ConnectToBrokerAsync(ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        RabbitMQ.Client.BasicGetResult? faulted = null;
        while (faulted is null && DateTime.UtcNow < deadline)
        {
            faulted = await MessagingFixture.FindInQueueAsync(connection, "recording_error", name, ct);
            await Task.Delay(faulted is null ? 500 : 0, ct);
        }

        Assert.NotNull(faulted);
        // the first delivery and 5 retries at least; the re-driver may already have handed it back once more
        Assert.True(MessagingFixture.Attempts[name] >= 6, $"{MessagingFixture.Attempts[name]} attempts");
        Assert.Equal(id.ToString(), faulted.BasicProperties.MessageId);
        var headers = faulted.BasicProperties.Headers!;
        Assert.Contains("MT-Fault-ExceptionType", headers.Keys);
        Assert.Contains("cannot handle", System.Text.Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!));
        Assert.False(MessagingFixture.Received.ContainsKey(id));
    }
}
