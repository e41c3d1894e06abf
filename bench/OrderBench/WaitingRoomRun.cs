using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace OrderBench;

/// <summary>
/// bench/waiting-room.sh's sale: UNITS units of a new product, JOINERS simulated buyers joining before the drop and
/// polling as told (Retry-After), admitted at RATE a second; each admitted buyer orders once with their admission,
/// and one joiner in ten also tries to order without one. Prints what the issue asks of a sale, last the lines
/// oversold=&lt;n&gt; and inversions=&lt;n&gt;.
/// </summary>
public static class WaitingRoomRun
{
    private sealed record Outcome(long Place, string State, DateTimeOffset JoinedAt, DateTimeOffset? AdmittedAt, DateTimeOffset? NoticedAt, Guid? OrderId, string Token);

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var joiners = Knob("JOINERS", 10_000);
        var units = Knob("UNITS", 500);
        var rate = Knob("RATE", 40);
        var gateway = settings.Endpoints["gateway"];
        var admin = WaitingRoomSetup.Client(gateway, (await SignIn.TokensAsync(settings, ["admin"]))["admin"]);
        using var product = await admin.PostAsJsonAsync("/api/catalog/items", new
        {
            name = $"waiting room bench {Guid.NewGuid():N}",
            description = "made by bench/waiting-room.sh",
            price = 99m,
            brandId = 1,
            categoryId = 1,
            availableStock = units,
        });
        var productId = (int)JsonNode.Parse(await product.Content.ReadAsStringAsync())!["id"]!;

        var started = DateTimeOffset.UtcNow;
        var tokens = await WaitingRoomSetup.BuyerTokensAsync(settings, $"sale-{Guid.NewGuid():N}"[..13], joiners);
        Console.WriteLine($"sale: {joiners} joiners (tokens in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s), {units} units, admission {rate}/s, capped at {units} admitted");
        var sale = $"bench-{Guid.NewGuid():N}"[..18];
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(Knob("JOIN_WINDOW", 20));
        await WaitingRoomSetup.OpenSaleAsync(admin, new
        {
            id = sale,
            productIds = new[] { productId },
            admissionRatePerSecond = rate,
            maxAdmitted = units,
            startsAt,
            idleTimeoutSeconds = 60,
            admissionSeconds = 60,
        });

        // just before the drop everyone has joined: what the waiting buyers take in Redis
        var memory = Task.Run(async () =>
        {
            await Setup.DelayUntilAsync(startsAt.UtcDateTime.AddSeconds(-1));
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(settings.ConnectionStrings["cache"]);
            var db = redis.GetDatabase();
            var parts = new List<(string Key, long Bytes)>();
            foreach (var key in new[] { "tickets", "queue", "seen" })
            {
                parts.Add((key, (long)await db.ExecuteAsync("MEMORY", "USAGE", $"wr:{{{sale}}}:{key}", "SAMPLES", "0")));
            }

            var joined = (long)await db.HashGetAsync($"wr:{{{sale}}}:sale", "seq");
            return $"redis memory per waiting buyer: {parts.Sum(p => p.Bytes) / (double)Math.Max(1, joined):0} bytes ({joined} joined: {string.Join(", ", parts.Select(p => $"{p.Key} {p.Bytes / 1024} KiB"))})";
        });

        using var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var refusals = new ConcurrentDictionary<string, int>();
        var cheatersPlaced = 0;
        var cheatersRefused = 0;
        var joinLatencies = new ConcurrentBag<double>();
        var polls = 0L;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, joiners).Select(i => Task.Run(async () =>
        {
            using var buyer = WaitingRoomSetup.Client(gateway, tokens[i], handler);
            var joinedAt = DateTimeOffset.UtcNow;
            using var joined = await WaitingRoomSetup.SendPatientlyAsync(buyer, () => new HttpRequestMessage(HttpMethod.Post, $"/api/queue/{sale}/join"), refusals);
            joinLatencies.Add((DateTimeOffset.UtcNow - joinedAt).TotalMilliseconds);
            var place = (long)JsonNode.Parse(await joined.Content.ReadAsStringAsync())!["place"]!;
            if (i % 10 == 0)
            {
                using var cheat = await OrderAsync(buyer, productId, null);
                _ = cheat.StatusCode == HttpStatusCode.Created ? Interlocked.Increment(ref cheatersPlaced) : Interlocked.Increment(ref cheatersRefused);
            }

            while (true)
            {
                using var response = await WaitingRoomSetup.SendPatientlyAsync(buyer, () => new HttpRequestMessage(HttpMethod.Get, $"/api/queue/{sale}/status"), refusals);
                Interlocked.Increment(ref polls);
                var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                var state = (string)status["state"]!;
                if (state == "waiting")
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    continue;
                }

                var admittedAt = status["admittedAt"] is { } at ? DateTimeOffset.Parse((string)at!, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
                if (state != "admitted")
                {
                    return new Outcome(place, state, joinedAt, admittedAt, null, null, tokens[i]);
                }

                var noticedAt = DateTimeOffset.UtcNow;
                using var order = await OrderAsync(buyer, productId, (string)status["admissionToken"]!);
                var orderId = order.StatusCode == HttpStatusCode.Created ? (Guid?)Guid.Parse((string)JsonNode.Parse(await order.Content.ReadAsStringAsync())!["id"]!) : null;
                return new Outcome(place, state, joinedAt, admittedAt, noticedAt, orderId, tokens[i]);
            }
        })));
        var finished = DateTimeOffset.UtcNow;

        // orders placed are followed to their end: confirmed (stock and payment) or cancelled
        var confirmed = 0;
        var placed = outcomes.Where(o => o.OrderId is not null).ToList();
        await Parallel.ForEachAsync(placed, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (o, _) =>
        {
            using var buyer = WaitingRoomSetup.Client(gateway, o.Token, handler);
            for (var attempt = 0; attempt < 120; attempt++)
            {
                var status = (string?)(await buyer.GetFromJsonAsync<JsonObject>($"/api/orders/{o.OrderId}"))!["status"];
                if (string.Equals(status, "confirmed", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "cancelled", StringComparison.OrdinalIgnoreCase))
                {
                    if (string.Equals(status, "confirmed", StringComparison.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref confirmed);
                    }

                    return;
                }

                await Task.Delay(500);
            }
        });

        var figures = (await admin.GetFromJsonAsync<JsonObject>($"/api/queue/sales/{sale}"))!;
        var stock = (int)(await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/items/{productId}"))!["availableStock"]!;
        await using var orderDb = NpgsqlDataSource.Create(settings.ConnectionStrings["orderdb"]);
        await using var count = orderDb.CreateCommand("SELECT count(*) FROM order_lines WHERE product_id = $1");
        count.Parameters.Add(new NpgsqlParameter { Value = productId });
        var reached = (long)(await count.ExecuteScalarAsync())!;

        var admitted = outcomes.Where(o => o.State == "admitted" && o.AdmittedAt is not null).OrderBy(o => o.Place).ToList();
        var inversions = admitted.Zip(admitted.Skip(1)).Count(pair => pair.Second.AdmittedAt < pair.First.AdmittedAt);
        var span = admitted.Count > 1 ? (admitted.Max(o => o.AdmittedAt!.Value) - admitted.Min(o => o.AdmittedAt!.Value)).TotalSeconds : 0;
        var toAdmitted = admitted.Select(o => (o.AdmittedAt!.Value - o.JoinedAt).TotalMilliseconds).ToList();
        var afterStart = admitted.Select(o => (o.AdmittedAt!.Value - startsAt).TotalMilliseconds).ToList();
        var noticed = admitted.Select(o => (o.NoticedAt!.Value - o.AdmittedAt!.Value).TotalMilliseconds).ToList();
        var oversold = Math.Max(0, confirmed - units) + Math.Max(0, -stock);

        Console.WriteLine(await memory);
        Console.WriteLine($"joins: {Stats.Of(joinLatencies)}; refused and retried: {(refusals.IsEmpty ? "none" : string.Join(", ", refusals.Select(r => $"{r.Key} ×{r.Value}")))}");
        Console.WriteLine($"states at the end: {string.Join(", ", outcomes.GroupBy(o => o.State).Select(g => $"{g.Key} {g.Count()}"))}; {polls} status polls in {(finished - started).TotalSeconds:0} s");
        Console.WriteLine($"admitted: {admitted.Count} at {(span > 0 ? (admitted.Count - 1) / span : 0):0.0}/s (configured {rate}/s); sale figures: {figures.ToJsonString()}");
        Console.WriteLine($"join -> admitted (server clock): {Stats.Of(toAdmitted)} (joins were before the start)");
        Console.WriteLine($"start -> admitted: {Stats.Of(afterStart)}");
        Console.WriteLine($"admitted -> noticed by the buyer's next poll: {Stats.Of(noticed)}");
        Console.WriteLine($"orders: {placed.Count} placed with an admission, {confirmed} confirmed, stock left {stock} of {units}; without an admission: {cheatersRefused} refused, {cheatersPlaced} placed");
        Console.WriteLine($"orders_reaching_order_service={reached} (admitted {admitted.Count})");
        Console.WriteLine($"oversold={oversold}");
        Console.WriteLine($"inversions={inversions}");
        return oversold == 0 && inversions == 0 && cheatersPlaced == 0 && reached <= admitted.Count ? 0 : 1;
    }

    private static async Task<HttpResponseMessage> OrderAsync(HttpClient buyer, int productId, string? admission)
    {
        var key = Guid.NewGuid().ToString();
        return await WaitingRoomSetup.SendPatientlyAsync(buyer, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { lines = new[] { new { productId, quantity = 1 } } }) };
            request.Headers.Add("Idempotency-Key", key);
            if (admission is not null)
            {
                request.Headers.Add("Admission-Token", admission);
            }

            return request;
        });
    }

    private static int Knob(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
