using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Platform.Locking;
using StackExchange.Redis;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The state Redis is a primary, a replica and three sentinels (AppHost, <c>WithReplicaAndSentinels</c>). Its primary
/// is killed (SIGKILL) while buyers read the catalog, place orders and listen to their notifications: the sentinels
/// promote the replica and every service follows by itself.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class RedisFailoverTests(OutageFixture fixture)
{
    private const int Orders = 30;
    private static readonly string[] Services = ["gateway", "catalog", "order", "payment", "notification"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_the_primary_under_load_fails_over_without_a_restart_and_loses_nothing()
    {
        using var shop = await Shop.OpenAsync(fixture.App, Ct);
        var itemId = await shop.CreateItemAsync(stock: 1000, Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.ConnectionStringAsync("cache", Ct) + ",allowAdmin=true");
        using var stream = await NotificationStream.OpenAsync(shop.Order, Ct);
        using var anonymous = fixture.App.CreateHttpClient("gateway");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        // Load: cached reads, orders (each retried with its key through 503s), and a lock taken again and again.
        var reads = new ConcurrentDictionary<int, int>();
        var readers = Enumerable.Range(0, 4).Select(_ => ReadAsync(anonymous, itemId, reads, stop.Token)).ToArray();
        var fences = new List<long>();
        var fenceErrors = 0;
        var locking = LockAsync(redis, fences, () => Interlocked.Increment(ref fenceErrors), stop.Token);
        var refusals = new ConcurrentBag<int>();
        var placed = 0;
        var placing = shop.PlaceManyPatientlyAsync(itemId, Orders, TimeSpan.FromMilliseconds(500), refusals, () => Interlocked.Increment(ref placed), Patience, Ct);
        await Shop.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref placed) >= Orders / 3), Ct, Patience);

        var (primary, primaryPort) = Primary(redis);
        var health = Services.ToDictionary(s => s, s => WatchHealthAsync(s, Ct));
        var killed = Stopwatch.StartNew();
        Process.GetProcessById(fixture.App.ProcessIds(primary).Single()).Kill();

        // The sentinels promote the other server; the services find it through them.
        await Shop.WaitUntilAsync(() => Task.FromResult(PrimaryPort(redis) is { } port && port != primaryPort), Ct, Patience);
        var promoted = killed.Elapsed;
        var ids = await placing;
        // the load goes on until every service has seen Redis come back (or shown it never noticed)
        var windows = new Dictionary<string, HealthWindow>();
        foreach (var (service, watch) in health)
        {
            windows[service] = await watch;
        }

        await stop.CancelAsync();

        await Task.WhenAll(readers);
        await locking;

        // Cached reads kept answering from memory (fail-safe), and the limiter, whose leases wait on the switching
        // connection, decides locally rather than refuse (it once refused 3 of 1,933: docs/reliability.md).
        Assert.True(reads.Keys.All(status => status is 200), $"reads answered {Describe(reads)}");
        // Every service saw Redis go and come back, without a restart (first error to first success).
        Assert.Contains(windows.Values, w => w.FirstError is not null);
        Assert.All(windows, w => Assert.True(w.Value.FirstError is null || w.Value.BackAfter is not null, $"{w.Key} never saw Redis again"));
        // Locks resumed, and no fence ever went backwards across the failover.
        Assert.True(fences.Count > 10, $"only {fences.Count} locks were taken");
        for (var i = 1; i < fences.Count; i++)
        {
            Assert.True(fences[i] > fences[i - 1], $"fence {fences[i]} after {fences[i - 1]} (acquisition {i} of {fences.Count})");
        }

        // Writes resumed: every order was placed (503s retried with the same key) and ended; none was paid twice.
        Assert.DoesNotContain(500, refusals);
        var statuses = await shop.WaitForFinalAsync(ids, Ct, Patience);
        var charges = await shop.ChargesByKeyAsync(Ct);
        Assert.All(ids, id => Assert.True(charges.GetValueOrDefault($"order-{id}") <= 1, $"order {id} was charged {charges[$"order-{id}"]} times"));
        Assert.All(ids.Zip(statuses), o => Assert.True(o.Second != "confirmed" || charges.GetValueOrDefault($"order-{o.First}") == 1, $"confirmed order {o.First} has no charge"));

        // The stream opened before the failover carries an order placed after it, and its subscription is back on a
        // server (pub/sub resumed; what it missed meanwhile would have come from the feed).
        var after = await shop.PlaceAsync(itemId, Ct);
        JsonNode confirmed;
        try
        {
            confirmed = await NotificationStream.ReadAsync(stream, e => (string?)e["orderId"] == after && ((string?)e["kind"])?.Equals("OrderConfirmed", StringComparison.OrdinalIgnoreCase) == true, Patience, Ct);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"the stream missed order {after}'s confirmation: {await WhyMissedAsync(shop, redis, after)}");
        }

        var channel = $"notifications:live:{confirmed["buyerId"]}";
        await Shop.WaitUntilAsync(async () => await SubscribersAsync(redis, channel) > 0, Ct, Patience);

        // The limiter counts in Redis again: the buyer's bucket on the new primary moves as the buyer calls.
        var buckets = await BucketsAsync(redis);
        for (var i = 0; i < 40; i++)
        {
            (await shop.Order.GetAsync($"/api/orders/{after}", Ct)).Dispose();
            await Task.Delay(100, Ct);
        }

        var moved = (await BucketsAsync(redis)).Count(b => buckets.GetValueOrDefault(b.Key) != b.Value);
        Assert.True(moved > 0, "no rate-limit bucket changed in Redis after the failover");

        // The old primary comes back as a replica of the new one, from its first answer: started as a primary, it would
        // take writes from any client reaching it until the sentinels demote it, and lose them then.
        await fixture.App.StartAsync(primary, Ct);
        Assert.Equal("slave", await FirstRoleAsync(await fixture.App.ConnectionStringAsync("cache", Ct), primaryPort));
        await Shop.WaitUntilAsync(() => Task.FromResult(redis.GetServers().Any(s => s.EndPoint.ToString()!.EndsWith($":{primaryPort}", StringComparison.Ordinal) && s.IsConnected && s.IsReplica)), Ct, Patience);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"primary ({primary}) killed: the sentinels promoted the replica after {promoted.TotalSeconds:0.0} s; " +
            $"as the services saw it (first error to first success): {string.Join(", ", windows.Select(w => $"{w.Key} {w.Value}"))}; " +
            $"reads {Describe(reads)}; {fences.Count} locks ({fenceErrors} attempts failed); {ids.Length} orders, refused meanwhile: " +
            $"{string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Count()}×{(g.Key == 0 ? "no answer" : g.Key)}"))}");
    }

    /// <summary>Where the confirmation went: the order's state, the buyer's feed, and which servers hold the live
    /// channels' subscriptions.</summary>
    private static async Task<string> WhyMissedAsync(Shop shop, ConnectionMultiplexer redis, string orderId)
    {
        var status = await shop.StatusAsync(orderId, CancellationToken.None);
        var feed = await shop.Order.GetStringAsync("/api/notifications", CancellationToken.None);
        var inFeed = JsonNode.Parse(feed)!.AsArray().Any(n => (string?)n!["orderId"] == orderId && ((string?)n["kind"])?.Equals("OrderConfirmed", StringComparison.OrdinalIgnoreCase) == true);
        var subscriptions = new List<string>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected))
        {
            var channels = await server.ExecuteAsync("PUBSUB", "CHANNELS", "notifications:live:*");
            subscriptions.Add($"{server.EndPoint} ({(server.IsReplica ? "replica" : "primary")}): [{string.Join(", ", (string?[]?)channels ?? [])}]");
        }

        return $"order {status}; confirmation in the feed: {inFeed}; live channels: {string.Join("; ", subscriptions)}";
    }

    /// <summary>The role a Redis server reports when it first answers (asked directly, not through the sentinels).</summary>
    private static async Task<string> FirstRoleAsync(string connectionString, int port)
    {
        var options = new ConfigurationOptions { Password = RedisAddress.Parse(connectionString).Password, AbortOnConnectFail = false, ConnectTimeout = 1_000 };
        options.EndPoints.Add("127.0.0.1", port);
        await using var server = await ConnectionMultiplexer.ConnectAsync(options);
        var role = "";
        await Shop.WaitUntilAsync(async () =>
        {
            try
            {
                role = (string)(await server.GetDatabase().ExecuteAsync("ROLE"))[0]!;
                return true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return false; // not started yet, or still loading its data
            }
        }, Ct, Patience);
        return role;
    }

    /// <summary>How many clients listen to the channel, over every server (a subscription held by a replica hears
    /// what its primary publishes).</summary>
    private static async Task<long> SubscribersAsync(ConnectionMultiplexer redis, string channel)
    {
        long count = 0;
        foreach (var server in redis.GetServers().Where(s => s.IsConnected))
        {
            var reply = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
            count += (long)reply[1];
        }

        return count;
    }

    /// <summary>The primary's port as the sentinels name it to the client; null while none is known.</summary>
    private static int? PrimaryPort(ConnectionMultiplexer redis) =>
        redis.GetServers().Where(s => s.IsConnected && !s.IsReplica).Select(s => (int?)((System.Net.IPEndPoint)s.EndPoint).Port).FirstOrDefault();

    /// <summary>Which server resource is the primary: an earlier test may have swapped the roles.</summary>
    private (string Resource, int Port) Primary(ConnectionMultiplexer redis)
    {
        var port = PrimaryPort(redis) ?? throw new InvalidOperationException("Redis has no primary.");
        var resource = new[] { "cache", "cache-replica" }.Single(r =>
            fixture.App.ProcessIds(r).Any(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains($":{port}", StringComparison.Ordinal)));
        return (resource, port);
    }

    private static async Task ReadAsync(HttpClient client, int itemId, ConcurrentDictionary<int, int> statuses, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync($"/api/catalog/items/{itemId}", ct);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>Takes and releases one lock over and over, as a service's worker does, keeping each fence it got.</summary>
    private static async Task LockAsync(ConnectionMultiplexer redis, List<long> fences, Action failed, CancellationToken ct)
    {
        var locks = new RedisDistributedLockProvider(redis, Options.Create(new DistributedLockOptions { KeyPrefix = "e2e:lock", AutoRenew = false }));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var handle = await locks.TryAcquireAsync("failover", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), ct);
                if (handle is not null)
                {
                    fences.Add(handle.FencingToken);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                failed();
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private sealed record HealthWindow(TimeSpan? FirstError, TimeSpan? BackAfter)
    {
        public override string ToString() => FirstError is null ? "no error seen"
            : $"{(BackAfter - FirstError)?.TotalSeconds:0.0} s (error at +{FirstError.Value.TotalSeconds:0.0} s)";
    }

    /// <summary>When the service's own Redis check first failed after the kill, and when it first passed again; gives
    /// up at <see cref="Patience"/>, or after 20 s without a failure (the service never noticed).</summary>
    private async Task<HealthWindow> WatchHealthAsync(string service, CancellationToken ct)
    {
        using var client = fixture.App.CreateHttpClient(service);
        var clock = Stopwatch.StartNew();
        TimeSpan? firstError = null;
        while (!ct.IsCancellationRequested && clock.Elapsed < Patience && (firstError is not null || clock.Elapsed < TimeSpan.FromSeconds(20)))
        {
            var healthy = false;
            try
            {
                using var response = await client.GetAsync("/health", ct);
                healthy = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["entries"]?["StackExchange.Redis"]?["status"] == "Healthy";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException)
            {
            }

            if (!healthy)
            {
                firstError ??= clock.Elapsed;
            }
            else if (firstError is not null)
            {
                return new HealthWindow(firstError, clock.Elapsed);
            }

            await Task.Delay(100, CancellationToken.None);
        }

        return new HealthWindow(firstError, null);
    }

    private static async Task<Dictionary<string, string>> BucketsAsync(ConnectionMultiplexer redis)
    {
        var primary = await RedisPrimary.WaitAsync(redis, Ct);
        var buckets = new Dictionary<string, string>();
        await foreach (var key in primary.KeysAsync(pattern: "gateway:ratelimit:*"))
        {
            buckets[key.ToString()] = (string?)await redis.GetDatabase().StringGetAsync(key) ?? "";
        }

        return buckets;
    }

    private static string Describe(ConcurrentDictionary<int, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}×{(s.Key == 0 ? "no answer" : s.Key)}"));
}
