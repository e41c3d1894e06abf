using System.Text.Json.Nodes;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// 100 orders (declines, stock rejections, late payments refunded) with PostgreSQL, then Redis, stopped for 30 s
/// mid-flow: longer than every consumer's retries, so messages are parked and must be re-driven. Afterwards the money,
/// the stock and the buyer's notifications add up, and nothing is left parked.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class LongOutageTests(OutageFixture fixture)
{
    private const int Stock = 70;
    private const int Late = 15;
    private const int Orders = 100;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgreSQL_stopped_for_30_s_mid_flow_loses_no_message_money_or_stock() => await OutageAsync("postgres");

    [Fact]
    public async Task Redis_stopped_for_30_s_mid_flow_loses_no_message_money_or_stock() => await OutageAsync("cache", "cache-replica"); // the whole Redis: a lone primary would just fail over

    private async Task OutageAsync(params string[] servers)
    {
        using var shop = await Shop.OpenAsync(fixture.App, Ct);
        var itemId = await shop.CreateItemAsync(Stock, Ct);

        // Late payments: while the provider fails, orders time out and are cancelled; their payments, still waiting,
        // succeed once it is back and must be refunded.
        string[] late;
        await using (await shop.ProviderBehavesAsync(latencyMs: 5, failureRate: 1, declineRate: 0, Ct))
        {
            late = await PlaceAsync(shop, itemId, Late);
            Assert.All(await shop.WaitForFinalAsync(late, Ct, OutageFixture.OrderTimeout * 2), s => Assert.Equal("cancelled", s));
        }

        // The rest arrive with some declines and more orders than stock, and the server goes away while they do:
        // callers get 503 (never 500) and try again with the same Idempotency-Key, as a real client does.
        string[] rest;
        var refusals = new System.Collections.Concurrent.ConcurrentBag<int>();
        await using (await shop.ProviderBehavesAsync(latencyMs: 300, failureRate: 0, declineRate: 0.15, Ct))
        {
            var placed = 0;
            // four buyers, about 5 orders a second, so half of them meet the outage
            var placing = shop.PlaceManyPatientlyAsync(itemId, Orders - Late, TimeSpan.FromMilliseconds(800), refusals, () => Interlocked.Increment(ref placed), Settle, Ct);
            await Shop.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref placed) >= (Orders - Late) / 2), Ct);
            var mark = fixture.App.LogMark();
            var stopping = System.Diagnostics.Stopwatch.StartNew();
            await Task.WhenAll(servers.Select(server => fixture.App.StopAsync(server, Ct)));
            await Task.WhenAll(servers.Select(server => fixture.App.WaitForStoppedAsync(server, Ct)));
            var stopTook = stopping.Elapsed;
            await Task.Delay(Outage, Ct); // the outage itself: longer than any consumer's retries
            await Task.WhenAll(servers.Select(server => fixture.App.StartAsync(server, Ct)));
            await fixture.App.WaitForHealthyAsync(servers[0], TimeSpan.FromSeconds(60), Ct);
            var back = System.Diagnostics.Stopwatch.StartNew();
            rest = await placing;
            Assert.DoesNotContain(500, refusals);

            string[] all = [.. late, .. rest];
            await shop.WaitForFinalAsync(all, Ct, Settle);
            var allFinal = back.Elapsed;
            var orders = await ReadOrdersAsync(shop, all);
            var confirmed = orders.Where(o => o.Status == "confirmed").ToArray();
            Assert.NotEmpty(confirmed);
            Assert.True(confirmed.Length <= Stock);

            // Money: what the provider kept is exactly what confirmed orders cost (refunds of late payments included).
            await Shop.WaitUntilAsync(async () => await KeptAsync(shop, all) == confirmed.Sum(o => o.Total), Ct, Settle);
            // Stock: initial = on hand + confirmed.
            await Shop.WaitUntilAsync(async () => await shop.StockAsync(itemId, Ct) == Stock - confirmed.Length, Ct, Settle);
            // Nothing parked: every message was re-driven and taken.
            await Shop.WaitUntilAsync(async () => await ParkedAsync() == 0, Ct, Settle);
            var redriven = OutageFixture.Consumers.SelectMany(s => fixture.App.Logs(s, mark)).Where(l => l.Text.Contains("Re-drove", StringComparison.Ordinal)).ToList();
            if (servers[0] == "cache")
            {
                // Without Redis the catalog (cache invalidation) and the notifications (the feed) fail every message
                // that arrives meanwhile: some were parked, or the outage proved nothing. Without PostgreSQL nothing
                // is published (every event leaves through an outbox in it), so only messages in flight at that
                // moment can be parked, and there may be none.
                Assert.NotEmpty(redriven);
            }

            // The buyer heard each order's end exactly once, and of each refund.
            var refunded = (await RefundedOrdersAsync(shop, all)).ToHashSet();
            Assert.NotEmpty(refunded);
            await using var notifications = NpgsqlDataSource.Create(await fixture.App.ConnectionStringAsync("notificationdb", Ct));
            Dictionary<(string Order, string Kind), long> heard = [];
            await Shop.WaitUntilAsync(async () =>
            {
                heard = await NotificationsAsync(notifications, all);
                return orders.All(o => heard.ContainsKey((o.Id, o.Status == "confirmed" ? "OrderConfirmed" : "OrderCancelled")))
                    && refunded.All(id => heard.ContainsKey((id, "PaymentRefunded")));
            }, Ct, Settle);
            Assert.All(heard, h => Assert.True(h.Value == 1, $"{h.Key.Kind} for order {h.Key.Order} was stored {h.Value} times"));
            Assert.All(orders, o => Assert.False(
                heard.ContainsKey((o.Id, o.Status == "confirmed" ? "OrderCancelled" : "OrderConfirmed")), $"order {o.Id} ({o.Status}) was announced the other way"));
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{string.Join(" and ", servers)} down {Outage.TotalSeconds:0} s (stopping took {stopTook.TotalSeconds:0.0} s): every order final {allFinal.TotalSeconds:0.0} s after it was back, all settled {back.Elapsed.TotalSeconds:0.0} s; " +
                $"{confirmed.Length} confirmed, {orders.Length - confirmed.Length} cancelled, {refunded.Count} refunded; {redriven.Count} re-drive passes; " +
                $"placements refused meanwhile: {string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Count()}×{(g.Key == 0 ? "no answer" : g.Key)}"))}");
        }
    }

    /// <summary>Orders placed sixteen at a time, each once (no fault meets them).</summary>
    private static async Task<string[]> PlaceAsync(Shop shop, int itemId, int count)
    {
        using var gate = new SemaphoreSlim(16);
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(Ct);
            try
            {
                return await shop.PlaceAsync(itemId, Ct);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private sealed record OrderFigures(string Id, string Status, decimal Total);

    private static async Task<OrderFigures[]> ReadOrdersAsync(Shop shop, string[] ids) =>
        await Task.WhenAll(ids.Select(async id =>
        {
            var order = JsonNode.Parse(await shop.Order.GetStringAsync($"/api/orders/{id}", Ct))!;
            return new OrderFigures(id, ((string)order["status"]!).ToLowerInvariant(), (decimal)order["total"]!);
        }));

    /// <summary>What the provider charged for these orders minus what it refunded.</summary>
    private static async Task<decimal> KeptAsync(Shop shop, string[] ids)
    {
        var keys = ids.Select(id => $"order-{id}").ToHashSet();
        return (await ChargesAsync(shop)).Where(c => keys.Contains((string)c["idempotencyKey"]!))
            .Sum(c => (decimal)c["amount"]! - (decimal)c["amountRefunded"]!);
    }

    private static async Task<IEnumerable<string>> RefundedOrdersAsync(Shop shop, string[] ids)
    {
        var keys = ids.ToDictionary(id => $"order-{id}");
        return (await ChargesAsync(shop)).Where(c => (decimal)c["amountRefunded"]! > 0 && keys.ContainsKey((string)c["idempotencyKey"]!))
            .Select(c => keys[(string)c["idempotencyKey"]!]);
    }

    private static async Task<IReadOnlyList<JsonNode>> ChargesAsync(Shop shop) =>
        [.. JsonNode.Parse(await shop.Provider.GetStringAsync("/admin/charges", Ct))!["charges"]!.AsArray().Select(c => c!)];

    private static async Task<Dictionary<(string, string), long>> NotificationsAsync(NpgsqlDataSource notifications, string[] ids)
    {
        await using var command = notifications.CreateCommand("SELECT order_id::text, kind, count(*) FROM notifications WHERE order_id = ANY($1) GROUP BY 1, 2");
        command.Parameters.AddWithValue(ids.Select(Guid.Parse).ToArray());
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var heard = new Dictionary<(string, string), long>();
        while (await reader.ReadAsync(Ct))
        {
            heard[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return heard;
    }

    /// <summary>Messages in every consumer's _error queue (a queue that was never declared holds none).</summary>
    private async Task<long> ParkedAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(await fixture.App.ConnectionStringAsync("messaging", Ct)) };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        long parked = 0;
        foreach (var queue in Platform.Contracts.IntegrationEvents.Subscriptions.All.Select(s => s.Queue).Distinct())
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
            await channel.QueueDeclarePassiveAsync(queue, Ct);
            await using var errors = await connection.CreateChannelAsync(cancellationToken: Ct);
            try
            {
                parked += (await errors.QueueDeclarePassiveAsync(queue + "_error", Ct)).MessageCount;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
                // never needed: nothing was ever parked there
            }
        }

        return parked;
    }
}
