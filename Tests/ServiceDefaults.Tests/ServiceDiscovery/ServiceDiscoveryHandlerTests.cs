using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.ServiceDiscovery;

public sealed class ServiceDiscoveryHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_client_resolves_logical_names_and_sends_to_the_endpoint()
    {
        var handler = new ScriptedHandler();
        await using var services = ClientContainer.Build(handler, new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "http://localhost:5001",
        });
        var client = services.Client("anything");
        client.BaseAddress = new Uri("https+http://catalog");

        using var response = await client.GetAsync("/items/7", Ct);

        Assert.Equal(new Uri("http://localhost:5001/items/7"), Assert.Single(handler.Requests).Uri);
        // The message keeps its logical address, so a resend resolves again.
        Assert.Equal(new Uri("https+http://catalog/items/7"), response.RequestMessage!.RequestUri);
    }

    [Fact]
    public async Task An_unknown_service_fails_before_anything_is_sent()
    {
        var handler = new ScriptedHandler();
        await using var services = ClientContainer.Build(handler);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => services.Client("anything").GetAsync("http://payment/pay", Ct));

        Assert.Contains("services:payment:http:0", error.Message);
        Assert.Equal(0, handler.Attempts);
    }

    [Fact]
    public async Task Requests_spread_over_real_replicas_and_a_retry_moves_to_the_next_one()
    {
        var firstCalls = 0;
        await using var replicaA = await LoopbackApp.StartAsync("catalog-a", app => app.MapGet("/who", () =>
            Interlocked.Increment(ref firstCalls) == 1 ? Results.StatusCode(503) : Results.Text("a")));
        await using var replicaB = await LoopbackApp.StartAsync("catalog-b", app => app.MapGet("/who", () => "b"));
        await using var caller = await LoopbackApp.StartAsync("order", _ => { }, new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = replicaA.BaseAddress.ToString(),
            ["services:catalog:http:1"] = replicaB.BaseAddress.ToString(),
            ["HttpClient:Resilience:Retry:BaseDelay"] = "00:00:00.001",
        });
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("catalog");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync("http://catalog/who", Ct));
        }

        // First call: A answers 503, the retry goes to B. Then A, B, A in turn.
        Assert.Equal(["b", "a", "b", "a"], answers);
        Assert.Equal(3, firstCalls);
    }
}
