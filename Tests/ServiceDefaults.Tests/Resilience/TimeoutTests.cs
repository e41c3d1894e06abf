using System.Net;
using Platform.ServiceDefaults.Tests.Support;
using Polly.Timeout;

namespace Platform.ServiceDefaults.Tests.Resilience;

public sealed class TimeoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        var handler = new ScriptedHandler().ThenHang().Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.2",
        });

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task A_post_whose_attempt_timed_out_is_not_sent_again()
    {
        var handler = new ScriptedHandler().ThenHang().Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.2",
        });

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(
            () => host.Client("orders").PostAsync("http://127.0.0.1:1/orders", new StringContent("{}"), Ct));

        Assert.Equal(TimeSpan.FromMilliseconds(200), error.Timeout);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task The_total_timeout_bounds_every_attempt_together()
    {
        // Twenty retries of 100 ms attempts would take two seconds; the total timeout ends it all at 500 ms.
        var handler = new ScriptedHandler().OtherwiseHang();
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:TotalRequestTimeout:Timeout"] = "00:00:00.5",
            ["HttpClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.1",
            ["HttpClient:Resilience:Retry:MaxRetryAttempts"] = "20",
            // a short fixed pause between attempts: the default (2 s, exponential, jittered) drew a first pause past
            // 400 ms now and then, and only one attempt fitted in the total (a CI failure)
            ["HttpClient:Resilience:Retry:Delay"] = "00:00:00.01",
            ["HttpClient:Resilience:Retry:BackoffType"] = "Constant",
            ["HttpClient:Resilience:Retry:UseJitter"] = "false",
        });

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(
            () => host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct));

        Assert.Equal(TimeSpan.FromMilliseconds(500), error.Timeout);
        Assert.InRange(handler.Attempts, 2, 6);
    }
}
