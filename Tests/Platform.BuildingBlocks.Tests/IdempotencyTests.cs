using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Platform.Idempotency;

namespace Platform.BuildingBlocks.Tests;

public sealed record OrderRequest(string Sku, int Quantity);

public sealed class IdempotencyTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private sealed class Handler
    {
        public int Calls;
        public TimeSpan Delay = TimeSpan.Zero;
        public int Status = StatusCodes.Status201Created;
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IResult> HandleAsync(OrderRequest order)
        {
            int n = Interlocked.Increment(ref Calls);
            Started.TrySetResult();
            await Task.Delay(Delay);
            return Status == StatusCodes.Status201Created
                ? Results.Created($"/orders/{n}", new { id = n, order.Sku, order.Quantity })
                : Results.StatusCode(Status);
        }
    }

    private Task<TestWeb> StartAsync(Handler handler, string prefix, Action<IdempotencyOptions>? configure = null) =>
        TestWeb.StartAsync(
            redis.Server,
            b => b.AddIdempotency(o =>
            {
                o.KeyPrefix = prefix;
                configure?.Invoke(o);
            }),
            app => app.MapPost("/orders", (OrderRequest order) => handler.HandleAsync(order)).WithIdempotency());

    private static HttpRequestMessage Post(string key, OrderRequest body) =>
        new(HttpMethod.Post, "/orders") { Headers = { { "Idempotency-Key", key } }, Content = JsonContent.Create(body) };

    [Fact]
    public async Task A_repeat_gets_the_stored_response_with_the_marker_and_the_handler_runs_once()
    {
        var handler = new Handler();
        await using var web = await StartAsync(handler, RedisFixture.Unique("idem"));

        var first = await web.Client.SendAsync(Post("k1", new("sku-1", 2)));
        var repeat = await web.Client.SendAsync(Post("k1", new("sku-1", 2)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.Equal(first.Content.Headers.ContentType, repeat.Content.Headers.ContentType);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_repeat_with_a_different_body_gets_422()
    {
        var handler = new Handler();
        await using var web = await StartAsync(handler, RedisFixture.Unique("idem"));

        await web.Client.SendAsync(Post("k1", new("sku-1", 2)));
        var different = await web.Client.SendAsync(Post("k1", new("sku-1", 3)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_concurrent_duplicate_gets_409_while_the_first_runs()
    {
        var handler = new Handler { Delay = TimeSpan.FromSeconds(1) };
        await using var web = await StartAsync(handler, RedisFixture.Unique("idem"));

        var first = web.Client.SendAsync(Post("k1", new("sku-1", 1)));
        await handler.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var duplicate = await web.Client.SendAsync(Post("k1", new("sku-1", 1)));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Two_instances_racing_on_one_key_run_the_handler_once_and_waiters_get_the_same_response()
    {
        var handler = new Handler { Delay = TimeSpan.FromMilliseconds(300) };
        string prefix = RedisFixture.Unique("idem");
        void Wait(IdempotencyOptions o) => o.ConcurrentDuplicates = ConcurrentDuplicateBehavior.Wait;
        await using var webA = await StartAsync(handler, prefix, Wait);
        await using var webB = await StartAsync(handler, prefix, Wait);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? webA : webB).Client.SendAsync(Post("race", new("sku-9", 1)))));

        Assert.Equal(1, handler.Calls);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(9, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
    }

    [Fact]
    public async Task Server_errors_are_not_stored_so_a_retry_runs_again()
    {
        var handler = new Handler { Status = StatusCodes.Status503ServiceUnavailable };
        await using var web = await StartAsync(handler, RedisFixture.Unique("idem"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await web.Client.SendAsync(Post("k1", new("sku-1", 1)))).StatusCode);
        handler.Status = StatusCodes.Status201Created;
        var retry = await web.Client.SendAsync(Post("k1", new("sku-1", 1)));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Entries_expire_after_their_retention()
    {
        var handler = new Handler();
        await using var web = await StartAsync(handler, RedisFixture.Unique("idem"), o => o.Retention = TimeSpan.FromMilliseconds(300));

        await web.Client.SendAsync(Post("k1", new("sku-1", 1)));
        await Task.Delay(600);
        var later = await web.Client.SendAsync(Post("k1", new("sku-1", 1)));

        Assert.False(later.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Requests_without_a_key_run_unless_a_key_is_required()
    {
        var handler = new Handler();
        await using var optional = await StartAsync(handler, RedisFixture.Unique("idem"));
        await using var required = await StartAsync(handler, RedisFixture.Unique("idem"), o => o.RequireKey = true);

        Assert.Equal(HttpStatusCode.Created, (await optional.Client.PostAsJsonAsync("/orders", new OrderRequest("a", 1))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await required.Client.PostAsJsonAsync("/orders", new OrderRequest("a", 1))).StatusCode);
        Assert.Equal(1, handler.Calls);
    }
}
