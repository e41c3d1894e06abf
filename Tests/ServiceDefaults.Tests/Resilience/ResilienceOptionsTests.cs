using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;
using Polly;

namespace Platform.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Defaults_match_the_standard_resilience_handler()
    {
        var options = new HttpResilienceOptions();

        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TotalRequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Equal(3, options.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Retry.BaseDelay);
        Assert.Equal(DelayBackoffType.Exponential, options.Retry.BackoffType);
        Assert.True(options.Retry.UseJitter);
        Assert.False(options.Retry.RetryNonIdempotentRequests);
        Assert.Equal(0.1, options.CircuitBreaker.FailureRatio);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CircuitBreaker.SamplingDuration);
        Assert.Equal(100, options.CircuitBreaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CircuitBreaker.BreakDuration);
    }

    [Fact]
    public async Task A_client_section_overrides_the_shared_section_for_that_client_only()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:Retry:MaxRetryAttempts"] = "1",
            ["HttpClient:catalog:Resilience:Retry:MaxRetryAttempts"] = "2",
        });

        using (await services.Client("catalog").GetAsync("http://127.0.0.1:1/a", Ct))
        {
            Assert.Equal(3, handler.Attempts);
        }

        using (await services.Client("payment").GetAsync("http://127.0.0.1:1/b", Ct))
        {
            Assert.Equal(3 + 2, handler.Attempts);
        }

        var options = services.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>();
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.Get("catalog").Retry.BaseDelay);
    }

    [Fact]
    public async Task Code_can_adjust_one_client_after_configuration()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        await using var services = ClientContainer.Build(handler, configure: s =>
            s.AddHttpClient("catalog").ConfigureResilience(o => o.Retry.MaxRetryAttempts = 0));

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/a", Ct);

        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task Disabled_resilience_passes_requests_straight_through()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["HttpClient:catalog:Resilience:Enabled"] = "false",
        });

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/a", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task An_attempt_timeout_longer_than_the_total_is_rejected_with_a_clear_message()
    {
        var handler = new ScriptedHandler();
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:AttemptTimeout"] = "00:01:00",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => services.Client("catalog").GetAsync("http://127.0.0.1:1/a", Ct));

        Assert.Contains("AttemptTimeout", error.Message);
        Assert.Contains("'catalog'", error.Message);
        Assert.Equal(0, handler.Attempts);
    }

    [Theory]
    [InlineData("OtlpTraceExporter")]
    [InlineData("OtlpLogExporter")]
    public async Task Telemetry_exporter_clients_get_no_retries(string clientName)
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        await using var services = ClientContainer.Build(handler);

        using var response = await services.Client(clientName).GetAsync("http://127.0.0.1:1/v1/traces", Ct);

        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public void Retry_after_as_a_date_is_measured_against_the_clock()
    {
        var clock = new ManualTimeProvider();
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(90));

        var wait = RetryAfter.GetDelay(response, clock);

        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(88), TimeSpan.FromSeconds(90));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.Zero, RetryAfter.GetDelay(response, clock));
    }
}
