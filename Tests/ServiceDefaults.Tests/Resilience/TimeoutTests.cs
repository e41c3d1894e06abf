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
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:AttemptTimeout"] = "00:00:00.2",
        });

        using var response = await services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task The_total_timeout_bounds_every_attempt_together()
    {
        var handler = new ScriptedHandler().OtherwiseHang();
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["HttpClient:Resilience:TotalRequestTimeout"] = "00:00:00.3",
            ["HttpClient:Resilience:AttemptTimeout"] = "00:00:00.3",
        });

        await Assert.ThrowsAsync<TimeoutRejectedException>(
            () => services.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct));
    }
}
