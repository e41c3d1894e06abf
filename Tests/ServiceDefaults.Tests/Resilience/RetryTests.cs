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
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task After_three_retries_the_last_failure_is_returned()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.BadGateway);
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(4, handler.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Request_timeout_and_too_many_requests_are_transient(HttpStatusCode status)
    {
        var handler = new ScriptedHandler().Then(status).Otherwise(HttpStatusCode.OK);
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

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
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Connection_errors_are_retried()
    {
        var handler = new ScriptedHandler()
            .ThenThrow(new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable))
            .Otherwise(HttpStatusCode.OK);
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task Post_is_not_retried_by_default()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("orders")
            .PostAsync("http://127.0.0.1:1/orders", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Post_that_opted_in_is_retried_with_its_one_shot_body_resent()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.Created);
        await using var services = ClientContainer.Build(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/orders")
        {
            // A forward-only stream: without buffering the second attempt would have nothing to send.
            Content = new StreamContent(new ForwardOnlyStream("""{"sku":"A-1"}"""u8.ToArray())),
        };
        request.AllowRetries();

        using var response = await services.Client("orders").SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["""{"sku":"A-1"}""", """{"sku":"A-1"}"""], handler.Requests.Select(r => r.Body));
    }

    [Fact]
    public async Task Post_with_an_idempotency_key_is_retried()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        await using var services = ClientContainer.Build(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/payments") { Content = new StringContent("{}") };
        request.Headers.Add(HttpRequestRetryExtensions.IdempotencyKeyHeader, "pay-42");

        using var response = await services.Client("payments").SendAsync(request, Ct);

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
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:Retry:BaseDelay"] = "00:01:00",
            ["HttpClient:Resilience:TotalRequestTimeout"] = "00:00:10",
        });

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_limit_returns_the_response_at_once()
    {
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.ServiceUnavailable, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1)))
            .Otherwise(HttpStatusCode.OK);
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        var handler = new ScriptedHandler().OtherwiseHang();
        await using var services = ClientContainer.Build(handler);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => services.Client("catalog").GetAsync("http://127.0.0.1:1/items", cancellation.Token));

        Assert.Equal(1, handler.Attempts);
    }
}
