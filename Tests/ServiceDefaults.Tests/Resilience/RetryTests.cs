using System.Net;
using System.Net.Http.Headers;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Resilience;

public sealed class RetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_is_retried_on_5xx_until_it_succeeds()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.InternalServerError)
            .Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task After_three_retries_the_last_failure_is_returned()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.BadGateway);
        using var host = await ClientContainer.StartAsync(handler);

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(4, handler.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Request_timeout_and_too_many_requests_are_transient(HttpStatusCode status)
    {
        var handler = new ScriptedHandler().Then(status).Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    public async Task Client_errors_are_not_retried(HttpStatusCode status)
    {
        var handler = new ScriptedHandler().Otherwise(status);
        using var host = await ClientContainer.StartAsync(handler);

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Connection_errors_are_retried()
    {
        var handler = new ScriptedHandler()
            .ThenThrow(new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable))
            .Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task A_real_refused_connection_is_retried()
    {
        // Nothing listens on the port: SocketsHttpHandler's own exception, not a scripted one.
        var port = FreePort();
        var primary = new CountingHandler(new SocketsHttpHandler());
        using var host = await ClientContainer.StartAsync(primary);

        await Assert.ThrowsAsync<HttpRequestException>(() => host.Client("catalog").GetAsync($"http://127.0.0.1:{port}/items", Ct));

        Assert.Equal(4, primary.Attempts);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task Post_and_patch_are_not_retried_by_default(string method)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);
        using var request = new HttpRequestMessage(new HttpMethod(method), "http://127.0.0.1:1/orders") { Content = new StringContent("{}") };

        using var response = await host.Client("orders").SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Post_is_not_retried_after_a_connection_error_either()
    {
        var handler = new ScriptedHandler()
            .ThenThrow(new HttpRequestException("Connection reset"))
            .Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            host.Client("orders").PostAsync("http://127.0.0.1:1/orders", new StringContent("{}"), Ct));

        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Post_that_opted_in_is_retried_with_its_body_resent()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.Created);
        using var host = await ClientContainer.StartAsync(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/orders")
        {
            Content = new StringContent("""{"sku":"A-1"}"""),
        };
        request.AllowRetries();

        using var response = await host.Client("orders").SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["""{"sku":"A-1"}""", """{"sku":"A-1"}"""], handler.Requests.Select(r => r.Body));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task Post_and_patch_with_an_idempotency_key_are_retried(string method)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);
        using var request = new HttpRequestMessage(new HttpMethod(method), "http://127.0.0.1:1/payments") { Content = new StringContent("{}") };
        request.Headers.Add(HttpRequestRetryExtensions.IdempotencyKeyHeader, "pay-42");

        using var response = await host.Client("payments").SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("HEAD")]
    public async Task Idempotent_methods_are_retried(string method)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler);
        using var request = new HttpRequestMessage(new HttpMethod(method), "http://127.0.0.1:1/items/7");

        using var response = await host.Client("catalog").SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task Retry_after_is_honoured_instead_of_the_backoff()
    {
        // With a one-minute backoff the 10 s total timeout would fire first; Retry-After: 0 retries at once.
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.Zero))
            .Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:Retry:Delay"] = "00:01:00",
            ["HttpClient:Resilience:TotalRequestTimeout:Timeout"] = "00:00:10",
        });

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        var handler = new ScriptedHandler().OtherwiseHang();
        using var host = await ClientContainer.StartAsync(handler);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = host.Client("catalog").GetAsync("http://127.0.0.1:1/items", cancellation.Token);
        await handler.FirstRequest.WaitAsync(Ct);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, handler.Attempts);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
