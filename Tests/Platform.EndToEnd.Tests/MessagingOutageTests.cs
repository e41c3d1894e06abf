using System.Diagnostics;
using Npgsql;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The purchase flow across a broker restart and a crashed service: what a service committed is never lost, and
/// nothing is charged twice, because events leave through the transactional outbox and arrive through the inbox.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class MessagingOutageTests(AppHostFixture fixture, ITestOutputHelper output)
{
    /// <summary>MassTransit's reconnect backoff after the broker returns comes on top of the flow itself.</summary>
    private static readonly TimeSpan AfterOutage = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task RabbitMQ_stopped_and_started_mid_flow_every_committed_order_ends_final_none_lost_none_charged_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        const int Stock = 20, Orders = 30;
        var itemId = await shop.CreateItemAsync(Stock, ct);

        // Orders keep coming, one every 100 ms, while the broker goes away and comes back: some are in flight at every stage.
        var placedSoFar = 0;
        var placing = Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var i = 0; i < Orders; i++)
            {
                ids.Add(await shop.PlaceAsync(itemId, ct));
                Interlocked.Increment(ref placedSoFar);
                await Task.Delay(100, ct);
            }

            return ids;
        }, ct);

        // the broker goes away once orders flow: a few placed (their events on their way), most still to come
        var flowing = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref placedSoFar) < 5)
        {
            Assert.True(DateTime.UtcNow < flowing && !placing.IsCompleted, "orders did not start flowing");
            await Task.Delay(20, ct);
        }

        await fixture.App.StopAsync("messaging", ct);
        output.WriteLine("messaging stopped");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // the outage's length: what the test is about
        }
        finally
        {
            await fixture.App.StartAsync("messaging", ct);
            await fixture.App.WaitForHealthyAsync("messaging", AfterOutage, ct);
            output.WriteLine("messaging healthy again");
        }

        var placed = await placing;
        var final = await shop.WaitForFinalAsync(placed, ct, AfterOutage);

        var confirmed = placed.Where((_, i) => final[i] == "confirmed").ToList();
        output.WriteLine($"{confirmed.Count} confirmed, {Orders - confirmed.Count} cancelled");
        Assert.Equal(Stock, confirmed.Count);
        Assert.Equal(0, await shop.StockAsync(itemId, ct));
        var charges = await shop.ChargesByKeyAsync(ct);
        Assert.All(placed, id => Assert.Equal(confirmed.Contains(id) ? 1 : 0, charges.GetValueOrDefault($"order-{id}")));
    }

    [Fact]
    public async Task The_order_service_killed_between_its_commit_and_its_publish_delivers_the_event_after_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = await Shop.OpenAsync(fixture.App, ct);
        var itemId = await shop.CreateItemAsync(stock: 1, ct);
        await using var orderDb = NpgsqlDataSource.Create(await fixture.App.ConnectionStringAsync("orderdb", ct));

        // With the broker away, the order's event is committed in the outbox and cannot leave it.
        await fixture.App.StopAsync("messaging", ct);
        string orderId;
        try
        {
            orderId = await shop.PlaceAsync(itemId, ct);
            Assert.Equal(1, await UnsentEventsAsync(orderDb, orderId, ct));

            var pids = fixture.App.ProcessIds("order").ToList();
            Assert.NotEmpty(pids);
            foreach (var pid in pids)
            {
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }

            Assert.True(await ProcessProbe.WaitUntilAllExitedAsync(pids, TimeSpan.FromSeconds(10)), "the order service survived SIGKILL");
            await fixture.App.WaitForStoppedAsync("order", ct);
            Assert.Equal(1, await UnsentEventsAsync(orderDb, orderId, ct));
        }
        finally
        {
            await fixture.App.StartAsync("messaging", ct);
        }

        await fixture.App.StartAsync("order", ct);
        await fixture.App.WaitForHealthyAsync("order", AfterOutage, ct);

        var final = await shop.WaitForFinalAsync([orderId], ct, AfterOutage);
        Assert.Equal("confirmed", final[0]);
        Assert.Equal(0, await UnsentEventsAsync(orderDb, orderId, ct));
        Assert.Equal(0, await shop.StockAsync(itemId, ct));
        Assert.Equal(1, (await shop.ChargesByKeyAsync(ct)).GetValueOrDefault($"order-{orderId}"));
    }

    private static async Task<long> UnsentEventsAsync(NpgsqlDataSource orderDb, string orderId, CancellationToken ct)
    {
        await using var command = orderDb.CreateCommand(
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND message_type LIKE '%OrderSubmitted%' AND payload::text LIKE '%' || $1 || '%'");
        command.Parameters.AddWithValue(orderId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
