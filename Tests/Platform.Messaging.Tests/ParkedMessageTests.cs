using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Testing;
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

        // Its dependency is away past every retry: MassTransit parks it.
        var metrics = fixture.Services.GetRequiredService<MessagingMetrics>();
        await using (var connection = await fixture.ConnectToBrokerAsync(ct))
        {
            await OutboxFailureTests.WaitUntilAsync(async () => await MessagingFixture.FindInQueueAsync(connection, "recording_error", name, ct) is not null, TimeSpan.FromSeconds(90));
        }

        Assert.False(MessagingFixture.Received.ContainsKey(id));

        // The dependency is back at once: the re-driver hands the message to its consumer again after its delay (5 s
        // in the fixture), and meanwhile the metric counts it.
        MessagingFixture.Failing.TryRemove(name, out _);
        var sawParked = false;
        try
        {
            await OutboxFailureTests.WaitUntilAsync(() =>
            {
                sawParked |= metrics.Parked("recording") > 0;
                return Task.FromResult(MessagingFixture.Received.ContainsKey(id));
            }, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The parked message was not re-driven to its consumer within 60 s. {await WhereIsItAsync(name, metrics, ct)}");
        }

        Assert.True(sawParked, "platform.messaging.parked never counted the parked message");
        var received = MessagingFixture.Received[id];
        Assert.Equal(name, received.Name);
        Assert.Equal(1L, await fixture.ScalarAsync("SELECT count(*) FROM effects WHERE message_id = @id", id));
    }

    [Fact]
    public async Task A_message_that_fails_again_after_each_re_drive_is_re_driven_up_to_the_limit_then_stays_parked_without_holding_back_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        var poison = MessagingFixture.PoisonPrefix + Guid.NewGuid().ToString("N");
        await fixture.WriteAsync(poison, commit: true);

        // Each re-drive fails again with the service healthy: it comes back parked, counted, until MaxRedrives (2 in the fixture).
        var redrives = 0;
        await using (var connection = await fixture.ConnectToBrokerAsync(ct))
        {
            try
            {
                await OutboxFailureTests.WaitUntilAsync(async () =>
                {
                    redrives = await MessagingFixture.FindInQueueAsync(connection, "recording_error", poison, ct) is { } parked ? Redrives(parked) : redrives;
                    return redrives == 2;
                }, TimeSpan.FromSeconds(150));
            }
            catch (TimeoutException)
            {
                var metrics = fixture.Services.GetRequiredService<MessagingMetrics>();
                Assert.Fail($"The poison message was re-driven {redrives} times, not 2. {await WhereIsItAsync(poison, metrics, ct)}");
            }
        }

        // Parked for good ahead of them, it holds back no message parked after it.
        var name = "behind-poison-" + Guid.NewGuid().ToString("N");
        MessagingFixture.Failing[name] = 0;
        var id = await fixture.WriteAsync(name, commit: true);
        await using (var connection = await fixture.ConnectToBrokerAsync(ct))
        {
            await OutboxFailureTests.WaitUntilAsync(async () => await MessagingFixture.FindInQueueAsync(connection, "recording_error", name, ct) is not null, TimeSpan.FromSeconds(90));
        }

        MessagingFixture.Failing.TryRemove(name, out _);
        await MessagingFixture.WaitForAsync(id, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(MessagingFixture.Received.Values, r => r.Name == poison);
    }

    private static int Redrives(RabbitMQ.Client.BasicGetResult message) =>
        message.BasicProperties.Headers?.TryGetValue("Platform-Redrives", out var value) == true ? value switch
        {
            int i => i,
            long l => (int)l,
            byte[] text => int.Parse(System.Text.Encoding.UTF8.GetString(text), System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"Platform-Redrives is a {value?.GetType().Name}"),
        } : 0;

    /// <summary>What a failure needs to be understood: the health the re-driver waits for, how often the consumer saw
    /// the message, and which queue holds it after how many re-drives.</summary>
    private async Task<string> WhereIsItAsync(string name, MessagingMetrics metrics, CancellationToken ct)
    {
        var report = await fixture.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
        var health = string.Join(", ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}"));
        var attempts = MessagingFixture.Attempts.TryGetValue(name, out var n) ? n : 0;
        await using var connection = await fixture.ConnectToBrokerAsync(ct);
        var places = new List<string>();
        foreach (var queue in new[] { "recording", "recording_error" })
        {
            if (await MessagingFixture.FindInQueueAsync(connection, queue, name, ct) is { } message)
            {
                var redrives = message.BasicProperties.Headers?.TryGetValue("Platform-Redrives", out var r) == true ? r : 0;
                places.Add($"{queue} after {redrives} re-drives");
            }
        }

        var redriverLog = fixture.Services.GetRequiredService<FakeLogCollector>().GetSnapshot()
            .Where(r => r.Category?.EndsWith(".ParkedMessageRedriver", StringComparison.Ordinal) == true)
            .Select(r => $"{r.Timestamp:HH:mm:ss.fff} {r.Level} {r.Message} {r.Exception?.GetType().Name}");
        return $"Health: {report.Status} ({health}). Consumer attempts: {attempts}. Parked (metric): {metrics.Parked("recording")}. " +
            $"Found in: {(places.Count == 0 ? "no queue" : string.Join(", ", places))}. Last re-drive pass finished {metrics.SinceLastRedrivePass?.TotalSeconds:0.0} s ago. " +
            $"Re-driver's log: {string.Join(" | ", redriverLog)}";
    }
}
