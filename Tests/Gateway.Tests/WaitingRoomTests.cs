namespace Platform.Gateway.Tests;

/// <summary>The waiting room through the gateway's two replicas, with as many buyers as each test needs.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WaitingRoomTests(GatewayFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Buyers_are_admitted_in_the_order_they_joined_across_both_replicas()
    {
        const int Buyers = 2000;
        using var admin = fixture.PatientGateway(fixture.AdminToken);
        var sale = Sales.FreshId("fair");
        // admission starts once everyone is in: the queue's order is decided by the joins alone, racing on two replicas
        await Sales.OpenAsync(admin, new { id = sale, productIds = Sales.FreshProducts(1), admissionRatePerSecond = 500, startsAt = DateTimeOffset.UtcNow.AddSeconds(20) }, Ct);
        var tokens = await TokensAsync("fair", Buyers);
        var clients = tokens.Select((token, i) => fixture.Replica(i % 2, token)).ToList();
        try
        {
            var places = await ParallelAsync(clients, client => Sales.JoinAsync(client, sale, Ct));
            Assert.Equal(Enumerable.Range(1, Buyers).Select(p => (long)p), places.Order());

            await Sales.WaitForFiguresAsync(admin, sale, f => (long)f["admitted"]! + (long)f["expired"]! >= Buyers, Patience, Ct);
            var statuses = await ParallelAsync(clients, client => Sales.StatusAsync(client, sale, Ct));

            Assert.All(statuses, s => Assert.Equal("admitted", (string?)s["state"]));
            var byPlace = statuses.OrderBy(s => (long)s["place"]!).Select(s => DateTimeOffset.Parse((string)s["admittedAt"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var inversions = byPlace.Zip(byPlace.Skip(1)).Count(pair => pair.Second < pair.First);
            Assert.Equal(0, inversions);
            var figures = await Sales.FiguresAsync(admin, sale, Ct);
            Assert.Equal(Buyers, (long)figures["admitted"]!);
            Assert.Equal(0, (long)figures["waiting"]!);

            // joining again changes nothing: the same place
            Assert.Equal(places[0], await Sales.JoinAsync(clients[0], sale, Ct));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task An_admission_buys_exactly_one_order_and_nothing_on_sale_passes_without_one()
    {
        using var admin = fixture.PatientGateway(fixture.AdminToken);
        var sale = Sales.FreshId("once");
        var products = Sales.FreshProducts(2);
        await Sales.OpenAsync(admin, new { id = sale, productIds = new[] { products[0] }, admissionRatePerSecond = 50 }, Ct);
        var tokens = await TokensAsync("once", 2);
        // patient clients: a 429 (this fixture's per-user limit is low) is waited out, so each answer is the gate's
        using var buyer = fixture.PatientGateway(tokens[0]);
        using var other = fixture.PatientGateway(tokens[1]);
        using var alice = fixture.PatientGateway(fixture.AliceToken);
        await Sales.JoinAsync(buyer, sale, Ct);
        await Sales.JoinAsync(other, sale, Ct);
        var admission = (string)(await Sales.PollUntilAsync(buyer, sale, "admitted", Patience, Ct))["admissionToken"]!;
        await Sales.PollUntilAsync(other, sale, "admitted", Patience, Ct);

        // without an admission, with another buyer's, or with a forged one: refused at the gateway, with the way to the queue
        using (var none = await Sales.OrderAsync(alice, products[0], null, ct: Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
            var problem = JsonNode.Parse(await none.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal($"/api/queue/{sale}/join", (string?)problem["joinPath"]);
        }

        await AccessTests.AssertProblemAsync(HttpStatusCode.Forbidden, await Sales.OrderAsync(other, products[0], admission, ct: Ct));
        await AccessTests.AssertProblemAsync(HttpStatusCode.Forbidden, await Sales.OrderAsync(buyer, products[0], admission[..^4] + "AAAA", ct: Ct));
        // a product on no sale needs nothing
        using (var free = await Sales.OrderAsync(alice, products[1], null, ct: Ct))
        {
            Assert.Equal(HttpStatusCode.Created, free.StatusCode);
        }

        // five orders at once with one admission: one is placed, four are refused
        var keys = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid().ToString()).ToList();
        var answers = await Task.WhenAll(keys.Select(key => Sales.OrderAsync(buyer, products[0], admission, key, Ct)));
        var statuses = string.Join(", ", answers.Select(a => (int)a.StatusCode));
        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.Created) == 1, statuses);
        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.Conflict) == 4, statuses);
        var placedKey = keys[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.Created)];
        Array.ForEach(answers, a => a.Dispose());

        // the placed order's retry (same key) is the same order; the sale counts one order
        using (var retry = await Sales.OrderAsync(buyer, products[0], admission, placedKey, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        }

        await Sales.WaitForFiguresAsync(admin, sale, f => (long)f["ordered"]! == 1, Patience, Ct);

        // the order service refuses a second order with the admission by itself, whatever Redis remembers
        using var order = fixture.App.CreateAuthorizedClient("order", tokens[0]);
        await AccessTests.AssertProblemAsync(HttpStatusCode.Conflict, await Sales.OrderAsync(order, products[0], admission, ct: Ct));
    }

    [Fact]
    public async Task Silent_buyers_lose_their_place_and_unused_admissions_free_theirs()
    {
        using var admin = fixture.PatientGateway(fixture.AdminToken);
        var sale = Sales.FreshId("idle");
        // one place at a time (cap 1), idle after 3 s, an admission lasts 2 s; admission starts in 5 s
        await Sales.OpenAsync(admin, new
        {
            id = sale,
            productIds = Sales.FreshProducts(1),
            admissionRatePerSecond = 5,
            maxAdmitted = 1,
            idleTimeoutSeconds = 3,
            admissionSeconds = 2,
            startsAt = DateTimeOffset.UtcNow.AddSeconds(5),
        }, Ct);
        var tokens = await TokensAsync("idle", 3);
        using var silent = fixture.PatientGateway(tokens[0]);
        using var first = fixture.PatientGateway(tokens[1]);
        using var second = fixture.PatientGateway(tokens[2]);
        Assert.Equal(1, await Sales.JoinAsync(silent, sale, Ct));
        Assert.Equal(2, await Sales.JoinAsync(first, sale, Ct));
        Assert.Equal(3, await Sales.JoinAsync(second, sale, Ct));

        // the silent buyer is passed over; the first polling buyer is admitted and never orders
        using var keepAlive = new CancellationTokenSource();
        var secondPolls = Sales.PollUntilAsync(second, sale, "admitted", Patience, keepAlive.Token);
        await Sales.PollUntilAsync(first, sale, "admitted", Patience, Ct);
        // the silent buyer's fate was sealed when the first was admitted behind them; polling now only waits for the
        // replica that answers to refresh its picture (every 250 ms), it cannot rescue a place already passed over
        await Sales.PollUntilAsync(silent, sale, "expired", Patience, Ct);

        // the unused admission lapses, and its place goes to the next buyer
        var admitted = await secondPolls;
        Assert.Equal("admitted", (string?)admitted["state"]);
        Assert.Equal("expired", (string?)(await Sales.StatusAsync(first, sale, Ct))["state"]);
        var figures = await Sales.FiguresAsync(admin, sale, Ct);
        Assert.Equal(1, (long)figures["expired"]!);
        Assert.Equal(1, (long)figures["lapsed"]!);

        // a buyer who lost their place can join again, at the back
        Assert.Equal(4, await Sales.JoinAsync(silent, sale, Ct));
    }

    [Fact]
    public async Task Bad_requests_get_problem_details()
    {
        using var admin = fixture.PatientGateway(fixture.AdminToken);
        var tokens = await TokensAsync("bad", 1);
        using var buyer = fixture.PatientGateway(tokens[0]);
        using var anonymous = fixture.Gateway();

        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await buyer.PostAsync("/api/queue/no-such-sale/join", null, Ct));
        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await buyer.GetAsync("/api/queue/no-such-sale/status", Ct));
        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await buyer.PostAsync("/api/queue/NOT%20AN%20ID/join", null, Ct));
        await AccessTests.AssertProblemAsync(HttpStatusCode.Unauthorized, await anonymous.PostAsync("/api/queue/any/join", null, Ct));

        // only an administrator opens a sale, and only a well-formed one
        var products = Sales.FreshProducts(3);
        await AccessTests.AssertProblemAsync(HttpStatusCode.Forbidden, await buyer.PostAsJsonAsync("/api/queue/sales", new { id = "mine", productIds = products, admissionRatePerSecond = 1 }, Ct));
        using (var invalid = await admin.PostAsJsonAsync("/api/queue/sales", new { id = "Not An Id", productIds = Array.Empty<int>(), admissionRatePerSecond = 0, idleTimeoutSeconds = 1 }, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var errors = JsonNode.Parse(await invalid.Content.ReadAsStringAsync(Ct))!["errors"]!.AsObject();
            Assert.Equal(["admissionRatePerSecond", "id", "idleTimeoutSeconds", "productIds"], errors.Select(e => e.Key).Order());
        }

        await AccessTests.AssertProblemAsync(HttpStatusCode.BadRequest, await admin.PostAsync("/api/queue/sales", new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"), Ct));

        var sale = Sales.FreshId("bad");
        await Sales.OpenAsync(admin, new { id = sale, productIds = new[] { products[0], products[1] }, admissionRatePerSecond = 1, startsAt = DateTimeOffset.UtcNow.AddHours(1) }, Ct);
        var other = Sales.FreshId("bad");
        await Sales.OpenAsync(admin, new { id = other, productIds = new[] { products[2] }, admissionRatePerSecond = 1, startsAt = DateTimeOffset.UtcNow.AddHours(1) }, Ct);
        await AccessTests.AssertProblemAsync(HttpStatusCode.Conflict, await admin.PostAsJsonAsync("/api/queue/sales", new { id = sale, productIds = Sales.FreshProducts(1), admissionRatePerSecond = 1 }, Ct));
        await WaitUntilBothReplicasSeeAsync(sale, tokens[0]);
        await AccessTests.AssertProblemAsync(HttpStatusCode.Conflict, await admin.PostAsJsonAsync("/api/queue/sales", new { id = Sales.FreshId("bad"), productIds = new[] { products[1] }, admissionRatePerSecond = 1 }, Ct));

        // status before joining; an order spanning two sales; an unreadable order while a sale is open
        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await buyer.GetAsync($"/api/queue/{sale}/status", Ct));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { lines = new[] { new { productId = products[0], quantity = 1 }, new { productId = products[2], quantity = 1 } } }) })
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            await AccessTests.AssertProblemAsync(HttpStatusCode.BadRequest, await buyer.SendAsync(request, Ct));
        }

        await AccessTests.AssertProblemAsync(HttpStatusCode.BadRequest, await buyer.PostAsync("/api/orders", new StringContent("{\"lines\": [{\"productId\": \"x\"", System.Text.Encoding.UTF8, "application/json"), Ct));

        // a closed sale admits nobody new; its waiting buyers hear it is closed
        await Sales.JoinAsync(buyer, sale, Ct);
        using (var closed = await admin.PostAsync($"/api/queue/sales/{sale}/close", null, Ct))
        {
            Assert.Equal("closed", (string?)JsonNode.Parse(await closed.Content.ReadAsStringAsync(Ct))!["state"]);
        }

        await AccessTests.AssertProblemAsync(HttpStatusCode.Conflict, await buyer.PostAsync($"/api/queue/{sale}/join", null, Ct));
        await Sales.PollUntilAsync(buyer, sale, "closed", Patience, Ct);
        await AccessTests.AssertProblemAsync(HttpStatusCode.NotFound, await admin.PostAsync("/api/queue/sales/no-such-sale/close", null, Ct));
        await admin.PostAsync($"/api/queue/sales/{other}/close", null, Ct);
    }

    /// <summary>Until each replica's picture has the sale (a buyer who has not joined hears "not in the queue", not "no such sale").</summary>
    private async Task WaitUntilBothReplicasSeeAsync(string sale, string token)
    {
        foreach (var replica in new[] { 0, 1 })
        {
            using var client = fixture.Replica(replica, token);
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                using var response = await client.GetAsync($"/api/queue/{sale}/status", Ct);
                if (JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))?["title"]?.ToString() != "No such sale")
                {
                    break;
                }

                await Task.Delay(100, Ct);
            }
        }
    }

    private async Task<string[]> TokensAsync(string prefix, int count)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        return await ParallelAsync(Enumerable.Range(0, count).ToList(), i => fixture.Buyers.TokenAsync(fixture.App, $"{prefix}-{run}-{i}", Ct));
    }

    /// <summary>Runs <paramref name="work"/> for every item, 32 at a time, results in the items' order.</summary>
    private static async Task<TResult[]> ParallelAsync<T, TResult>(IReadOnlyList<T> items, Func<T, Task<TResult>> work)
    {
        var results = new TResult[items.Count];
        await Parallel.ForAsync(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = Ct }, async (i, _) => results[i] = await work(items[i]));
        return results;
    }
}
