using Xunit;

namespace Platform.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class MessagingTablesTests(MessagingFixture fixture)
{
    [Fact]
    public async Task Sent_outbox_rows_and_inbox_rows_past_their_retention_are_pruned_and_recent_ones_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var (oldSent, oldInbox, recentInbox, unsent) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var insert = fixture.DataSource.CreateCommand("""
            INSERT INTO outbox_messages (id, message_type, payload, sent_at) VALUES (@oldSent, 'x', '{}', now() - interval '2 days');
            INSERT INTO outbox_messages (id, message_type, payload, created_at, next_attempt_at) VALUES (@unsent, 'Gone.Event, Gone', '{}', now() - interval '3 days', now() + interval '1 hour');
            INSERT INTO inbox_messages (message_id, consumer, processed_at) VALUES (@oldInbox, 'test', now() - interval '8 days'), (@recentInbox, 'test', now() - interval '1 day');
            """))
        {
            insert.Parameters.AddWithValue("oldSent", oldSent);
            insert.Parameters.AddWithValue("unsent", unsent);
            insert.Parameters.AddWithValue("oldInbox", oldInbox);
            insert.Parameters.AddWithValue("recentInbox", recentInbox);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await OutboxFailureTests.WaitUntilAsync(async () =>
            await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id", oldSent) == 0 &&
            await fixture.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", oldInbox) == 0, TimeSpan.FromSeconds(30));

        Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", recentInbox));
        Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE id = @id", unsent)); // never pruned: not sent
        await using var cleanup = fixture.DataSource.CreateCommand("DELETE FROM outbox_messages WHERE id = @id; DELETE FROM inbox_messages WHERE message_id = @r");
        cleanup.Parameters.AddWithValue("id", unsent);
        cleanup.Parameters.AddWithValue("r", recentInbox);
        await cleanup.ExecuteNonQueryAsync(ct);
    }
}
