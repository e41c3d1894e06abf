using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;
using Polly.CircuitBreaker;

namespace Platform.ServiceDefaults.Tests.Resilience;

public sealed class CircuitBreakerTests
{
    private static readonly Dictionary<string, string?> SmallBreaker = new()
    {
        ["HttpClient:Resilience:Retry:MaxRetryAttempts"] = "0",
        ["HttpClient:Resilience:CircuitBreaker:MinimumThroughput"] = "4",
        ["HttpClient:Resilience:CircuitBreaker:FailureRatio"] = "0.5",
        ["HttpClient:Resilience:CircuitBreaker:BreakDuration"] = "00:00:30",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Failures_open_the_circuit_which_then_fails_fast_and_closes_after_a_good_probe()
    {
        var clock = new ManualTimeProvider();
        var logs = new CapturingLoggerProvider();
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.OK)
            .Then(HttpStatusCode.InternalServerError)
            .Then(HttpStatusCode.OK)
            .Then(HttpStatusCode.InternalServerError)
            .Otherwise(HttpStatusCode.OK);
        await using var services = ClientContainer.Build(handler, SmallBreaker, clock, logs);
        using var stateChanges = new StateChangeRecorder(services.GetRequiredService<IMeterFactory>());
        var client = services.Client("payment");

        // Four calls, half failed: at the minimum throughput and the failure ratio, so the circuit opens.
        for (var i = 0; i < 4; i++)
        {
            using var _ = await client.GetAsync("http://127.0.0.1:1/pay", Ct);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("http://127.0.0.1:1/pay", Ct));
        Assert.Equal(4, handler.Attempts);
        Assert.Equal([("payment", "open", 1L)], stateChanges.Changes);
        var opened = Assert.Single(logs.Logs, l => l.Message.Contains("opened"));
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Contains("'payment'", opened.Message);

        // After the break a probe goes through; its success closes the circuit.
        clock.Advance(TimeSpan.FromSeconds(31));
        using (var probe = await client.GetAsync("http://127.0.0.1:1/pay", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }

        Assert.Equal(5, handler.Attempts);
        Assert.Equal(["open", "half_open", "closed"], stateChanges.Changes.Select(c => c.State));
        Assert.Contains(logs.Logs, l => l.Message.Contains("closed"));
    }

    [Fact]
    public async Task Each_client_has_its_own_circuit()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        await using var services = ClientContainer.Build(handler, SmallBreaker);

        for (var i = 0; i < 4; i++)
        {
            using var _ = await services.Client("payment").GetAsync("http://127.0.0.1:1/pay", Ct);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => services.Client("payment").GetAsync("http://127.0.0.1:1/pay", Ct));
        using var other = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
    }

    [Fact]
    public async Task The_circuit_outlives_the_handler_instances_the_factory_recycles()
    {
        var primary = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        await using var services = ClientContainer.Build(primary, SmallBreaker);
        var pipelines = services.GetRequiredService<HttpResiliencePipelineProvider>();

        // IHttpClientFactory builds a new handler chain every two minutes; the breaker state must carry over.
        for (var i = 0; i < 4; i++)
        {
            using var recycled = new HttpMessageInvoker(new ResilienceHandler("payment", pipelines) { InnerHandler = primary }, disposeHandler: false);
            using var _ = await recycled.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/pay"), Ct);
        }

        using var fresh = new HttpMessageInvoker(new ResilienceHandler("payment", pipelines) { InnerHandler = primary }, disposeHandler: false);
        await Assert.ThrowsAsync<BrokenCircuitException>(
            () => fresh.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/pay"), Ct));
        Assert.Equal(4, primary.Attempts);
    }
}
