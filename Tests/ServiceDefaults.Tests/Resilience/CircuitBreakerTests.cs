using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;
using Polly.CircuitBreaker;

namespace Platform.ServiceDefaults.Tests.Resilience;

public sealed class CircuitBreakerTests
{
    /// <summary>
    /// One retry, and a breaker that opens once four attempts in five seconds failed half the time (the sampling
    /// duration must be at least twice the attempt timeout).
    /// </summary>
    private static Dictionary<string, string?> SmallBreaker(string section) => new()
    {
        [$"{section}:Retry:MaxRetryAttempts"] = "1",
        [$"{section}:AttemptTimeout:Timeout"] = "00:00:01",
        [$"{section}:CircuitBreaker:MinimumThroughput"] = "4",
        [$"{section}:CircuitBreaker:FailureRatio"] = "0.5",
        [$"{section}:CircuitBreaker:SamplingDuration"] = "00:00:05",
        [$"{section}:CircuitBreaker:BreakDuration"] = "00:00:30",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Failures_open_the_circuit_which_then_fails_fast_and_closes_after_a_good_probe()
    {
        var clock = new ManualTimeProvider();
        var logs = new FakeLoggerProvider();
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.InternalServerError)
            .Then(HttpStatusCode.InternalServerError)
            .Then(HttpStatusCode.InternalServerError)
            .Then(HttpStatusCode.InternalServerError)
            .Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler, SmallBreaker("HttpClient:payment:Resilience"), clock, logs,
            builder => builder.Services.AddHttpClient("payment").AddOwnResilienceHandler(builder.Configuration));
        using var stateChanges = new StateChangeRecorder(host.Services.GetRequiredService<IMeterFactory>());
        var client = host.Client("payment");

        // Two calls of two failed attempts each: the minimum throughput at the failure ratio, so the circuit opens.
        for (var i = 0; i < 2; i++)
        {
            using var failed = await client.GetAsync("http://127.0.0.1:1/pay", Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("http://127.0.0.1:1/pay", Ct));
        Assert.Equal(4, handler.Attempts);
        Assert.Equal([("payment", "open", 1L)], stateChanges.Changes);
        var opened = Assert.Single(logs.Collector.GetSnapshot(), l => l.Message.Contains("opened"));
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Equal("Circuit breaker of HttpClient 'payment' opened for 00:00:30; last failure: HTTP 500", opened.Message);

        // Its own circuit: the other clients still reach the server.
        using (var other = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        Assert.Equal(5, handler.Attempts);

        // After the break a probe goes through; its success closes the circuit.
        clock.Advance(TimeSpan.FromSeconds(31));
        using (var probe = await client.GetAsync("http://127.0.0.1:1/pay", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }

        Assert.Equal(6, handler.Attempts);
        Assert.Equal(["open", "half_open", "closed"], stateChanges.Changes.Select(c => c.State));
        Assert.All(stateChanges.Changes, c => Assert.Equal("payment", c.Client));
        Assert.Contains(logs.Collector.GetSnapshot(), l => l.Message == "Circuit breaker of HttpClient 'payment' closed");
    }

    [Fact]
    public async Task Clients_on_the_default_handler_share_one_circuit_and_a_client_with_its_own_handler_keeps_working()
    {
        // The library's behaviour (dotnet/extensions#5021): ConfigureHttpClientDefaults builds one pipeline for every
        // client, so one failing dependency opens the circuit of all the clients that use the default handler.
        var logs = new FakeLoggerProvider();
        var failing = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        var payment = new ScriptedHandler().Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(failing, SmallBreaker("HttpClient:Resilience"), logs: logs, configure: builder =>
            builder.Services.AddHttpClient("payment")
                .AddOwnResilienceHandler(builder.Configuration)
                .ConfigurePrimaryHttpMessageHandler(() => payment));
        using var stateChanges = new StateChangeRecorder(host.Services.GetRequiredService<IMeterFactory>());

        for (var i = 0; i < 2; i++)
        {
            using var _ = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client("inventory").GetAsync("http://127.0.0.1:1/stock", Ct));
        Assert.Equal(4, failing.Attempts);
        Assert.Equal([("default", "open", 1L)], stateChanges.Changes);
        Assert.Contains(logs.Collector.GetSnapshot(), l => l.Message.StartsWith("Circuit breaker of HttpClient 'default' opened", StringComparison.Ordinal));

        using var paid = await host.Client("payment").GetAsync("http://127.0.0.1:1/pay", Ct);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(1, payment.Attempts);
    }
}
