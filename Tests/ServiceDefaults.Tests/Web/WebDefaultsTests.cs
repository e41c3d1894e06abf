using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Tests.Support;
using Platform.ServiceDefaults.Web;

namespace Platform.ServiceDefaults.Tests.Web;

public sealed class WebDefaultsTests
{
    private enum PaymentState { Pending, Captured }

    private sealed record Payment(string Id, PaymentState State, string? Note);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_bodies_are_limited_to_one_megabyte_by_default()
    {
        await using var app = await LoopbackApp.StartAsync("catalog", app => app.MapPost("/upload", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Ok();
        }));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var small = await client.PostAsync("/upload", new ByteArrayContent(new byte[1024]), Ct);
        // Expect: 100-continue makes the client wait for the server's verdict before streaming the body; without it the
        // server's early 413 and connection close can race the upload and surface as a broken pipe instead.
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(new byte[2 * 1024 * 1024]) };
        oversized.Headers.ExpectContinue = true;
        using var large = await client.SendAsync(oversized, Ct);

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(1024 * 1024, app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task Limits_and_shutdown_timeout_come_from_configuration()
    {
        await using var app = await LoopbackApp.StartAsync("catalog", _ => { }, new Dictionary<string, string?>
        {
            ["Kestrel:Limits:MaxRequestBodySize"] = "2048",
            ["HostOptions:ShutdownTimeout"] = "00:00:05",
        });

        Assert.Equal(2048, app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
        Assert.Equal(TimeSpan.FromSeconds(5), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Shutdown_waits_for_in_flight_requests()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await LoopbackApp.StartAsync("order", app =>
        {
            app.MapGet("/slow", async () =>
            {
                entered.SetResult();
                await release.Task;
                return "done";
            });
            app.MapGet("/ping", () => "pong");
        });
        Assert.Equal(TimeSpan.FromSeconds(30), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        // An idle keep-alive connection: Kestrel closes it as soon as it starts draining, which the test can await.
        using var idle = new TcpClient();
        await idle.ConnectAsync(IPAddress.Loopback, app.BaseAddress.Port, Ct);
        var idleStream = idle.GetStream();
        await idleStream.WriteAsync("GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray(), Ct);
        // The answer is chunked: its last chunk ends it.
        var answer = await ReadUntilAsync(idleStream, received => received.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal));
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("pong", answer);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var inFlight = client.GetStringAsync("/slow", Ct);
        await entered.Task.WaitAsync(Ct);
        var stopping = app.App.StopAsync(Ct);
        Assert.Equal("", await ReadUntilAsync(idleStream, _ => false));

        // Draining: the request in flight is still being served and the host waits for it.
        Assert.False(inFlight.IsCompleted);
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        Assert.Equal("done", await inFlight);
        await stopping;
    }

    /// <summary>Reads until the text received so far satisfies <paramref name="done"/> or the peer closes the connection.</summary>
    private static async Task<string> ReadUntilAsync(NetworkStream stream, Func<string, bool> done)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!done(received.ToString()))
        {
            var read = await stream.ReadAsync(buffer, Ct);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    [Fact]
    public async Task Unhandled_exceptions_and_bare_errors_become_problem_details()
    {
        await using var app = await LoopbackApp.StartAsync("order", app =>
            app.MapGet("/boom", string () => throw new InvalidOperationException("kaboom")));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var boom = await client.GetAsync("/boom", Ct);
        using var missing = await client.GetAsync("/nowhere", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, boom.StatusCode);
        Assert.Equal("application/problem+json", boom.Content.Headers.ContentType?.MediaType);
        var problem = await boom.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("kaboom", problem.ToString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_dependency_that_is_away_is_a_503_with_retry_after_not_a_500()
    {
        await using var app = await LoopbackApp.StartAsync("order", app =>
        {
            app.MapGet("/database-down", string () => throw new TransientDbException());
            app.MapGet("/timed-out", string () => throw new InvalidOperationException("wrapped", new TimeoutException("slow")));
            app.MapGet("/refused", string () => throw new SocketException((int)SocketError.ConnectionRefused));
        });
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        foreach (var path in new[] { "/database-down", "/timed-out", "/refused" })
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(DependencyUnavailable.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        }
    }

    private sealed class TransientDbException() : System.Data.Common.DbException("the server is restarting")
    {
        public override bool IsTransient => true;
    }

    [Fact]
    public async Task Apis_use_the_platform_json_options()
    {
        await using var app = await LoopbackApp.StartAsync("payment", app =>
            app.MapGet("/payment", () => new Payment("p-1", PaymentState.Captured, null)));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var json = await client.GetStringAsync("/payment", Ct);

        Assert.Equal("""{"id":"p-1","state":"captured"}""", json);
        Assert.Equal(json, JsonSerializer.Serialize(new Payment("p-1", PaymentState.Captured, null), PlatformJson.Options));
        Assert.Equal(PaymentState.Pending, JsonSerializer.Deserialize<Payment>("""{"ID":"p","state":"pending"}""", PlatformJson.Options)!.State);
    }
}
