namespace Platform.Gateway.Tests;

/// <summary>Who may reach what through the one public door, and what the services refuse on their own.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AccessTests(GatewayFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/api/catalog/internal/prices?ids=1")]
    [InlineData("GET", "/api/payments/5b0d8f3e-0000-4000-8000-000000000000")]
    [InlineData("GET", "/admin/charges")]
    [InlineData("POST", "/v1/charges")]
    [InlineData("POST", "/api/catalog/internal/prices")]
    public async Task Internal_endpoints_are_not_routed_even_for_a_service_token(string method, string path)
    {
        using var gateway = fixture.Gateway(await fixture.App.ServiceTokenAsync("order", "catalog.internal", Ct));
        using var response = await gateway.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Internal_endpoints_refuse_callers_without_the_right_service_token_at_the_service_itself()
    {
        var payment = $"/api/payments/{Guid.NewGuid()}";
        using var anonymous = fixture.App.CreateHttpClient("payment");
        using var buyer = fixture.App.CreateAuthorizedClient("payment", fixture.AliceToken);
        using var wrongScope = fixture.App.CreateAuthorizedClient("payment", await fixture.App.ServiceTokenAsync("order", "catalog.internal", Ct));
        using var operations = fixture.App.CreateAuthorizedClient("payment", await fixture.App.ServiceTokenAsync("operations", "payment.internal", Ct));

        await AssertProblemAsync(HttpStatusCode.Unauthorized, await anonymous.GetAsync(payment, Ct));
        await AssertProblemAsync(HttpStatusCode.Forbidden, await buyer.GetAsync(payment, Ct));
        await AssertProblemAsync(HttpStatusCode.Forbidden, await wrongScope.GetAsync(payment, Ct));
        await AssertProblemAsync(HttpStatusCode.NotFound, await operations.GetAsync(payment, Ct)); // allowed in; no such payment

        using var provider = fixture.App.CreateHttpClient("payment-provider");
        using var noKey = await provider.GetAsync("/admin/charges", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        provider.DefaultRequestHeaders.Authorization = new("Bearer", "sk_wrong_key_of_the_right_length_000");
        using var wrongKey = await provider.GetAsync("/admin/charges", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/orders")]
    [InlineData("GET", "/api/orders/5b0d8f3e-0000-4000-8000-000000000000")]
    [InlineData("POST", "/api/orders")]
    [InlineData("GET", "/api/notifications")]
    [InlineData("GET", "/api/notifications/stream")]
    [InlineData("POST", "/api/catalog/items")]
    public async Task Without_a_token_what_needs_one_is_a_401_problem_at_the_gateway(string method, string path)
    {
        using var gateway = fixture.Gateway();
        using var response = await gateway.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        await AssertProblemAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task A_header_the_proxy_could_not_forward_is_a_400_problem_at_the_gateway_not_a_502()
    {
        // HttpClient sends only ASCII unless told otherwise; a browser or a script may send anything
        using var plain = fixture.Gateway();
        using var handler = new SocketsHttpHandler { UseProxy = false, RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 };
        using var gateway = new HttpClient(handler) { BaseAddress = plain.BaseAddress };
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }) };
        order.Headers.Authorization = new("Bearer", fixture.AliceToken);
        order.Headers.TryAddWithoutValidation("Idempotency-Key", "clé-été");

        await AssertProblemAsync(HttpStatusCode.BadRequest, await gateway.SendAsync(order, Ct));
    }

    [Fact]
    public async Task A_token_with_a_broken_signature_is_refused_at_the_gateway()
    {
        var token = fixture.AliceToken;
        using var gateway = fixture.Gateway(token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA"));
        await AssertProblemAsync(HttpStatusCode.Unauthorized, await gateway.GetAsync("/api/orders", Ct));
    }

    [Fact]
    public async Task Catalog_reads_are_anonymous_and_only_an_administrator_writes()
    {
        using var anonymous = fixture.Gateway();
        using var buyer = fixture.Gateway(fixture.AliceToken);
        using var admin = fixture.Gateway(fixture.AdminToken);
        var item = new { name = $"gateway item {Guid.NewGuid():N}", description = "by a gateway test", price = 3.5m, brandId = 1, categoryId = 1, availableStock = 5 };

        Assert.Equal(HttpStatusCode.OK, await StatusPastLimitAsync(() => anonymous.GetAsync("/api/catalog/items/1", Ct)));
        Assert.Equal(HttpStatusCode.OK, await StatusPastLimitAsync(() => anonymous.GetAsync("/api/catalog/items?limit=2", Ct)));
        await AssertProblemAsync(HttpStatusCode.Unauthorized, await PastLimitAsync(() => anonymous.PostAsJsonAsync("/api/catalog/items", item, Ct)));
        await AssertProblemAsync(HttpStatusCode.Forbidden, await PastLimitAsync(() => buyer.PostAsJsonAsync("/api/catalog/items", item, Ct)));
        Assert.Equal(HttpStatusCode.Created, await StatusPastLimitAsync(() => admin.PostAsJsonAsync("/api/catalog/items", item, Ct)));
    }

    /// <summary>The answer once the rate limit lets the call through: anonymous callers share 127.0.0.1's budget, and
    /// the fixture's users theirs, which other tests spend (CI-style runs got 429 on a read and on the administrator's
    /// write). A 429 is about rate, not access, and takes no effect; a client waits as told by <c>Retry-After</c>.</summary>
    private static async Task<HttpResponseMessage> PastLimitAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.TooManyRequests || DateTime.UtcNow > deadline)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250);
            response.Dispose();
            await Task.Delay(wait, Ct);
        }
    }

    private static async Task<HttpStatusCode> StatusPastLimitAsync(Func<Task<HttpResponseMessage>> send)
    {
        using var response = await PastLimitAsync(send);
        return response.StatusCode;
    }

    internal static async Task AssertProblemAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
