using Platform.Messaging.Tests.Events;
using RabbitMQ.Client;
using Xunit;

namespace Platform.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class OutboxFailureTests(MessagingFixture fixture)
{
    [Fact]
    public async Task A_row_that_cannot_be_published_waits_alone_and_the_rows_behind_it_leave_on_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var poison = Guid.NewGuid();
        await using (var insert = fixture.DataSource.CreateCommand(
            "INSERT INTO outbox_messages (id, message_type, payload) VALUES (@id, 'Gone.Namespace.RemovedEvent, Gone', '{}')"))
        {
            insert.Parameters.AddWithValue("id", poison);
            await insert.ExecuteNonQueryAsync(ct);
        }

        // Let it fail a few times: a dispatcher that backed off as a whole would by now sleep for seconds.
        await WaitUntilAsync(async () => await fixture.ScalarAsync("SELECT attempts FROM outbox_messages WHERE id = @id", poison) >= 3, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 5; i++)
        {
            var started = DateTime.UtcNow;
            var id = await fixture.WriteAsync($"behind-poison-{i}", commit: true);
            await MessagingFixture.WaitForAsync(id, TimeSpan.FromSeconds(3));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        }

        Assert.Equal(0L, await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id AND sent_at IS NOT NULL", poison));
        Assert.Equal(1L, await fixture.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE id = @id AND last_error LIKE '%RemovedEvent%' AND next_attempt_at > now()", poison));
        await using var delete = fixture.DataSource.CreateCommand("DELETE FROM outbox_messages WHERE id = @id");
        delete.Parameters.AddWithValue("id", poison);
        await delete.ExecuteNonQueryAsync(ct);
    }

    [Fact]
    public async Task An_event_no_queue_takes_stays_in_the_outbox_until_a_queue_is_bound()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "unbound-" + Guid.NewGuid().ToString("N");
        var id = await fixture.WriteAsync(name, commit: true, new UnconsumedThing(name));

        // RabbitMQ returns the mandatory publish: the row stays unsent and records why.
        await WaitUntilAsync(async () => await fixture.ScalarAsync("SELECT attempts FROM outbox_messages WHERE id = @id", id) >= 2, TimeSpan.FromSeconds(30));
        Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id AND sent_at IS NULL", id));

        // A consumer's queue appears (a service that starts later): the next attempt delivers it there.
        var queue = "late-consumer-" + Guid.NewGuid().ToString("N")[..8];
        await using var connection = await fixture.ConnectToBrokerAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true, cancellationToken: ct);
        await channel.QueueBindAsync(queue, $"{typeof(UnconsumedThing).Namespace}:{nameof(UnconsumedThing)}", "", cancellationToken: ct);

        BasicGetResult? delivered = null;
        await WaitUntilAsync(async () => (delivered = await channel.BasicGetAsync(queue, autoAck: true, ct)) is not null, TimeSpan.FromSeconds(60));
        Assert.Equal(id.ToString(), delivered!.BasicProperties.MessageId);
        await WaitUntilAsync(async () => await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id AND sent_at IS NOT NULL", id) == 1, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_event_for_a_consumer_whose_service_has_not_started_waits_in_its_declared_queue()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "before-consumer-" + Guid.NewGuid().ToString("N");
        var id = await fixture.WriteAsync(name, commit: true);
        await MessagingFixture.WaitForAsync(id); // the running consumer got it

        await using var connection = await fixture.ConnectToBrokerAsync(ct);
        BasicGetResult? waiting = null;
        await WaitUntilAsync(async () => (waiting = await MessagingFixture.FindInQueueAsync(connection, MessagingFixture.NotYetStartedQueue, name, ct)) is not null, TimeSpan.FromSeconds(10));
        Assert.Equal(id.ToString(), waiting!.BasicProperties.MessageId);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The condition did not hold within {timeout}.");
            }

            await Task.Delay(100);
        }
    }
}
