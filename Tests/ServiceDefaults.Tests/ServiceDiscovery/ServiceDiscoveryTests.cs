using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.ServiceDiscovery;

public sealed class ServiceDiscoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_client_resolves_a_logical_name_from_configuration()
    {
        var handler = new ScriptedHandler();
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "http://localhost:5001",
        });
        var client = host.Client("anything");
        client.BaseAddress = new Uri("http://catalog");

        using var response = await client.GetAsync("/items/7?currency=EUR", Ct);

        Assert.Equal(new Uri("http://localhost:5001/items/7?currency=EUR"), Assert.Single(handler.Requests).Uri);
        // The message keeps its logical address, so a resend resolves again.
        Assert.Equal(new Uri("http://catalog/items/7?currency=EUR"), response.RequestMessage!.RequestUri);
    }

    [Fact]
    public async Task A_client_with_its_own_resilience_handler_still_resolves_logical_names()
    {
        var handler = new ScriptedHandler();
        using var host = await ClientContainer.StartAsync(
            handler,
            new Dictionary<string, string?> { ["services:payment-provider:http:0"] = "http://localhost:5010" },
            configure: builder => builder.Services.AddHttpClient("PaymentProviderClient").AddOwnResilienceHandler(builder.Configuration));

        using var response = await host.Client("PaymentProviderClient").GetAsync("http://payment-provider/charges/1", Ct);

        Assert.Equal(new Uri("http://localhost:5010/charges/1"), Assert.Single(handler.Requests).Uri);
    }

    [Fact]
    public async Task Https_plus_http_prefers_the_https_endpoint_and_falls_back_to_http()
    {
        var handler = new ScriptedHandler();
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "http://localhost:5001",
            ["services:catalog:https:0"] = "https://localhost:7001",
            ["services:basket:http:0"] = "http://localhost:5002",
        });
        var client = host.Client("anything");

        using (await client.GetAsync("https+http://catalog/items", Ct))
        using (await client.GetAsync("https+http://basket/lines", Ct))
        {
            Assert.Equal(
                [new Uri("https://localhost:7001/items"), new Uri("http://localhost:5002/lines")],
                handler.Requests.Select(r => r.Uri));
        }
    }

    [Fact]
    public async Task Requests_are_spread_round_robin_over_the_configured_endpoints()
    {
        var handler = new ScriptedHandler();
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "http://localhost:5001",
            ["services:catalog:http:1"] = "http://localhost:5002",
        });
        var client = host.Client("anything");

        for (var i = 0; i < 4; i++)
        {
            using var _ = await client.GetAsync("http://catalog/items", Ct);
        }

        // The library's round robin starts at either endpoint; then it alternates.
        var ports = handler.Requests.Select(r => r.Uri.Port).ToList();
        Assert.Equal([5001, 5002], ports.Distinct().Order());
        Assert.Equal([ports[0], ports[1], ports[0], ports[1]], ports);
    }

    [Fact]
    public async Task Requests_spread_over_real_replicas_and_a_retry_moves_to_the_next_one()
    {
        var hits = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var aCalls = 0;
        await using var replicaA = await LoopbackApp.StartAsync("catalog-a", app => app.MapGet("/who", () =>
        {
            if (Interlocked.Increment(ref aCalls) == 1)
            {
                hits.Enqueue("a:503");
                return Results.StatusCode(503);
            }

            hits.Enqueue("a");
            return Results.Text("a");
        }));
        await using var replicaB = await LoopbackApp.StartAsync("catalog-b", app => app.MapGet("/who", () =>
        {
            hits.Enqueue("b");
            return "b";
        }));
        await using var caller = await LoopbackApp.StartAsync("order", _ => { }, new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = replicaA.BaseAddress.ToString(),
            ["services:catalog:http:1"] = replicaB.BaseAddress.ToString(),
        });
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("catalog");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync("http://catalog/who", Ct));
        }

        // Four calls, five attempts (A's first answer is a 503, retried): every attempt, the retry included, goes to
        // the replica after the previous one.
        var attempts = hits.ToList();
        Assert.Equal(5, attempts.Count);
        Assert.All(attempts.Zip(attempts.Skip(1)), pair => Assert.NotEqual(pair.First[0], pair.Second[0]));
        var failed = attempts.IndexOf("a:503");
        Assert.Equal("b", attempts[failed + 1]);
        Assert.Equal(attempts.Where(a => a != "a:503"), answers);
    }
}
