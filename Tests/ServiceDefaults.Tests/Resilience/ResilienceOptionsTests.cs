using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_section_applies_to_every_client()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:Retry:MaxRetryAttempts"] = "1",
        });

        using (await host.Client("catalog").GetAsync("http://127.0.0.1:1/a", Ct))
        {
            Assert.Equal(2, handler.Attempts);
        }

        using (await host.Client("inventory").GetAsync("http://127.0.0.1:1/b", Ct))
        {
            Assert.Equal(2 + 2, handler.Attempts);
        }
    }

    [Fact]
    public async Task A_client_with_its_own_handler_overlays_its_section_on_the_default_one()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        using var host = await ClientContainer.StartAsync(
            handler,
            new Dictionary<string, string?>
            {
                ["HttpClient:Resilience:Retry:MaxRetryAttempts"] = "1",
                ["HttpClient:catalog:Resilience:Retry:MaxRetryAttempts"] = "2",
                ["HttpClient:catalog:Resilience:CircuitBreaker:BreakDuration"] = "00:00:42",
            },
            configure: builder => builder.Services.AddHttpClient("catalog").AddOwnResilienceHandler(builder.Configuration));

        using (await host.Client("catalog").GetAsync("http://127.0.0.1:1/a", Ct))
        {
            Assert.Equal(3, handler.Attempts);
        }

        using (await host.Client("payment").GetAsync("http://127.0.0.1:1/b", Ct))
        {
            Assert.Equal(3 + 2, handler.Attempts);
        }

        // What the client's section does not set comes from the default section, then the library's defaults.
        var options = host.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get("catalog-standard");
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.Retry.Delay);
        Assert.False(options.Retry.UseJitter);
        Assert.Equal(TimeSpan.FromSeconds(42), options.CircuitBreaker.BreakDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TotalRequestTimeout.Timeout);
    }

    [Fact]
    public async Task A_client_with_its_own_handler_keeps_the_platform_retry_rule()
    {
        var handler = new ScriptedHandler().Otherwise(HttpStatusCode.ServiceUnavailable);
        using var host = await ClientContainer.StartAsync(handler, configure: builder =>
            builder.Services.AddHttpClient("payment").AddOwnResilienceHandler(builder.Configuration));
        var client = host.Client("payment");

        using (await client.PostAsync("http://127.0.0.1:1/charges", new StringContent("{}"), Ct))
        {
            Assert.Equal(1, handler.Attempts);
        }

        using var keyed = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/charges") { Content = new StringContent("{}") };
        keyed.Headers.Add(HttpRequestRetryExtensions.IdempotencyKeyHeader, "charge-7");
        using (await client.SendAsync(keyed, Ct))
        {
            Assert.Equal(1 + 4, handler.Attempts);
        }
    }

    [Theory]
    [InlineData("HttpClient:Resilience")]
    [InlineData("HttpClient:payment:Resilience")]
    public async Task An_attempt_timeout_longer_than_the_total_stops_the_service_from_starting(string section)
    {
        var handler = new ScriptedHandler();
        using var host = ClientContainer.Create(
            handler,
            new Dictionary<string, string?> { [$"{section}:AttemptTimeout:Timeout"] = "00:01:00" },
            configure: builder => builder.Services.AddHttpClient("payment").AddOwnResilienceHandler(builder.Configuration));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));

        // One OptionsValidationException, or several in an AggregateException (one per validator).
        var failures = error is AggregateException all ? all.InnerExceptions : [error];
        Assert.All(failures, failure =>
        {
            Assert.IsType<OptionsValidationException>(failure);
            Assert.Contains("Total request timeout resilience strategy must have a greater timeout", failure.Message);
        });
        Assert.Equal(0, handler.Attempts);
    }

    [Fact]
    public async Task A_key_the_standard_options_do_not_have_stops_the_service_from_starting()
    {
        // The hand-written handler's shape ("Retry:BaseDelay", "AttemptTimeout": "00:00:05") must not be silently ignored.
        using var host = ClientContainer.Create(new ScriptedHandler(), new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:Retry:BaseDelay"] = "00:00:00.5",
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains("BaseDelay", error.Message);
    }
}
