namespace Platform.Gateway.Tests;

/// <summary>The gateway's limits: per user (the token's subject) or per client address, never per connection or per
/// header a caller writes; and a buyer's concurrent notification streams.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LimitTests(GatewayFixture fixture)
{
    private const int Requests = 80;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_users_budget_is_shared_by_all_their_connections_and_leaves_other_users_alone()
    {
        // the administrator over eight connections (new clients) and both gateway replicas: one budget
        var clients = Enumerable.Range(0, 8).Select(_ => fixture.Gateway(fixture.AdminToken)).ToList();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => StatusAsync(clients[i % clients.Count], "/api/catalog/items/1")));
        clients.ForEach(c => c.Dispose());

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 1, Requests - 1);

        // another caller, meanwhile, has its own budget: one no other test here spends (after a user has hit the limit,
        // a gateway replica refuses that user until a whole batch of permits fits, so a user other tests use may still
        // be refused for a moment by their own past; docs/rate-limiting.md)
        using var other = fixture.Gateway(await fixture.App.ServiceTokenAsync("operations", "payment.internal", Ct));
        using var otherReads = await other.GetAsync("/api/catalog/items/1", Ct);
        Assert.True(otherReads.StatusCode == HttpStatusCode.OK, $"another caller got {(int)otherReads.StatusCode}: {await otherReads.Content.ReadAsStringAsync(Ct)}");
        await WaitForBudgetAsync(fixture.Gateway(fixture.AdminToken));
    }

    [Fact]
    public async Task Anonymous_callers_share_their_address_budget_whatever_X_Forwarded_For_they_send()
    {
        using var anonymous = fixture.Gateway();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog/items/1");
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i % 250}"); // a fresh "client" per request
            using var response = await anonymous.SendAsync(request, Ct);
            return response.StatusCode;
        }));

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using (var refused = await RejectedAsync(anonymous))
        {
            Assert.True(refused.Headers.RetryAfter is not null, "a 429 says when to retry");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        await WaitForBudgetAsync(fixture.Gateway());
    }

    [Fact]
    public async Task Behind_the_configured_ingress_each_forwarded_client_has_its_own_budget()
    {
        using var ingress = fixture.ReplicaFromIngress(0);

        // as many clients as requests, each well within its own budget: none is refused for the others
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => ForwardedStatusAsync(ingress, $"198.51.100.{i}")));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        // one forwarded client past its budget is refused, and only it
        var one = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => ForwardedStatusAsync(ingress, "198.51.100.200")));
        Assert.Contains(HttpStatusCode.TooManyRequests, one);
        Assert.Equal(HttpStatusCode.OK, await ForwardedStatusAsync(ingress, "198.51.100.201"));
    }

    [Fact]
    public async Task A_buyer_holds_at_most_the_configured_streams_and_gets_one_back_when_one_closes()
    {
        // the limit is 2 in this fixture (Streams.OpenAsync waits out the streams other tests just closed)
        using var first = await Streams.OpenAsync(fixture.Gateway(fixture.AliceToken), Ct);
        using var second = await Streams.OpenAsync(fixture.Gateway(fixture.AliceToken), Ct);
        // refused for alice's limit (429) once no stream another test just closed holds this replica's slots (503)
        using (var third = await Streams.OpenWaitingOutAsync(fixture.Gateway(fixture.AliceToken), [HttpStatusCode.ServiceUnavailable], Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.Response.StatusCode);
            Assert.Equal("application/problem+json", third.Response.Content.Headers.ContentType?.MediaType);
        }

        // bob is not alice; but the notification replica holds 3 streams at most in this fixture, whoever's
        using (var bobs = await Streams.OpenAsync(fixture.Gateway(fixture.BobToken), Ct))
        {
            Assert.True(bobs.Response.IsSuccessStatusCode);
            using var overReplica = await Streams.TryOpenAsync(fixture.Gateway(fixture.BobToken), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, overReplica.Response.StatusCode);
            Assert.Equal("application/problem+json", overReplica.Response.Content.Headers.ContentType?.MediaType);
        }

        first.Dispose();
        using var again = await Streams.OpenAsync(fixture.Gateway(fixture.AliceToken), Ct);
        second.Dispose();
    }

    private static async Task<HttpStatusCode> ForwardedStatusAsync(HttpClient ingress, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog/items/1");
        request.Headers.Add("X-Forwarded-For", client);
        using var response = await ingress.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> RejectedAsync(HttpClient client)
    {
        while (true)
        {
            var response = await client.GetAsync("/api/catalog/items/1", Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            response.Dispose();
        }
    }

    /// <summary>Other tests share these budgets: wait until the bucket answers again (it refills in about two seconds).</summary>
    private static async Task WaitForBudgetAsync(HttpClient client)
    {
        using (client)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await StatusAsync(client, "/api/catalog/items/1") == HttpStatusCode.TooManyRequests)
            {
                Assert.True(DateTime.UtcNow < deadline, "the budget did not refill");
                await Task.Delay(250, Ct);
            }
        }
    }
}
