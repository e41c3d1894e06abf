using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Platform.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class ParkedMessageTests(MessagingFixture fixture)
{
    [Fact]
    public async Task A_message_parked_during_an_outage_longer_than_its_retries_is_re_driven_and_takes_effect_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "outage-" + Guid.NewGuid().ToString("N");
        MessagingFixture.Failing[name] = 0;
        var id = await fixture.WriteAsync(name, commit: true);

        // Its dependency is away past every retry: MassTransit parks it, the metric counts it.
        var metrics = fixture.Services.GetRequiredService<MessagingMetrics>();
        await using (var connection = await fixture.ConnectToBrokerAsync(ct))
        {
            await OutboxFailureTests.WaitUntilAsync(async () => await MessagingFixture.FindInQueueAsync(connection, "recording_error", name, ct) is not null, TimeSpan.FromSeconds(90));
        }

        await OutboxFailureTests.WaitUntilAsync(() => Task.FromResult(metrics.Parked("recording") > 0), TimeSpan.FromSeconds(10));
        Assert.False(MessagingFixture.Received.ContainsKey(id));

        // The dependency is back: the re-driver hands the message to its consumer again.
        MessagingFixture.Failing.TryRemove(name, out _);
        var received = await MessagingFixture.WaitForAsync(id, TimeSpan.FromSeconds(60));
        Assert.Equal(name, received.Name);
        Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM effects WHERE message_id = @id", id));
    }
}
