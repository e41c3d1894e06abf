using System.Diagnostics;

namespace Platform.Gateway.Tests;

/// <summary>
/// Mid-sale, the replica that admits is killed (SIGKILL) and Redis is stopped and started again: nobody is admitted
/// twice, nobody's place is lost, and the order of admission is still the order of joining. Its own AppHost: the
/// killed replica is not brought back.
/// </summary>
[Collection(WaitingRoomFaultCollection.Name)]
public sealed class WaitingRoomFaultTests(WaitingRoomFaultFixture fixture)
{
    private const int Buyers = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_killed_admitter_and_a_restarted_Redis_neither_admit_anyone_twice_nor_lose_a_place()
    {
        var app = fixture.App;
        var admin = await app.UserTokenAsync("admin", Ct);
        var sale = Sales.FreshId("fault");
        using (var gateway = fixture.Replica(0, admin))
        {
            await Sales.OpenAsync(gateway, new { id = sale, productIds = Sales.FreshProducts(1), admissionRatePerSecond = 20, idleTimeoutSeconds = 600, startsAt = DateTimeOffset.UtcNow.AddSeconds(5) }, Ct);
        }

        var tokens = new string[Buyers];
        await Parallel.ForAsync(0, Buyers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
            async (i, ct) => tokens[i] = await fixture.Buyers.TokenAsync(app, $"fault-{i}", ct));
        var places = new long[Buyers];
        await Parallel.ForAsync(0, Buyers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, ct) =>
        {
            using var buyer = fixture.Replica(i % 2, tokens[i]);
            places[i] = await Sales.JoinAsync(buyer, sale, ct);
        });

        // kill the replica that admits once admission is under way
        var logMark = app.LogMark();
        var admitter = await AdmitterAsync(0);
        var survivor = admitter == 0 ? 1 : 0;
        using var admin1 = fixture.Replica(survivor, admin);
        await Sales.WaitForFiguresAsync(admin1, sale, f => (long)f["admitted"]! >= 40, Patience, Ct);
        var pid = Convert.ToInt32(app.Instances("gateway")[admitter].Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
        Process.GetProcessById(pid).Kill(entireProcessTree: true);
        var atKill = (long)(await Sales.FiguresAsync(admin1, sale, Ct))["admitted"]!;

        // the survivor takes the lease over and admission goes on
        await Sales.WaitForFiguresAsync(admin1, sale, f => (long)f["admitted"]! >= atKill + 40, Patience, Ct);
        Assert.Equal(survivor, await AdmitterAsync(logMark));

        // Redis goes away and comes back with everything it had
        // the replica first: stopped alone, the primary would just fail over to it
        await app.StopAsync("cache-replica", Ct);
        await app.WaitForStoppedAsync("cache-replica", Ct);
        await app.StopAsync("cache", Ct);
        await app.WaitForStoppedAsync("cache", Ct);
        await app.StartAsync("cache", Ct);
        await app.StartAsync("cache-replica", Ct);
        await app.WaitForHealthyAsync("cache", Patience, Ct);

        var figures = await Sales.WaitForFiguresAsync(admin1, sale, f => (long)f["waiting"]! == 0, Patience, Ct);
        Assert.Equal(Buyers, (long)figures["joined"]!);
        Assert.Equal(Buyers, (long)figures["admitted"]!);
        Assert.Equal(0, (long)figures["expired"]!);

        var admittedAt = new DateTimeOffset[Buyers];
        await Parallel.ForAsync(0, Buyers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, ct) =>
        {
            // status answers from the replica's picture of the sale (re-read 4×/s), which can trail the live figures
            // just read: a buyer still "waiting" there is asked again until the picture catches up
            using var buyer = fixture.Replica(survivor, tokens[i]);
            var status = await Sales.PollUntilAsync(buyer, sale, "admitted", Patience, ct);
            Assert.Equal(places[i], (long)status["place"]!);
            admittedAt[i] = DateTimeOffset.Parse((string)status["admittedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        });
        var byPlace = Enumerable.Range(0, Buyers).OrderBy(i => places[i]).Select(i => admittedAt[i]).ToList();
        Assert.Equal(0, byPlace.Zip(byPlace.Skip(1)).Count(pair => pair.Second < pair.First));
    }

    [Fact]
    public async Task Without_Redis_a_replica_pauses_every_order_and_resumes_by_itself_once_it_is_back()
    {
        // fail closed: a replica that cannot read the sales cannot tell which products need an admission
        var app = fixture.App;
        using var buyer = fixture.Replica(await LiveReplicaAsync(), await fixture.Buyers.TokenAsync(app, "paused", Ct));
        var product = Sales.FreshProducts(1)[0];
        Assert.NotEqual("Orders paused", await OrderTitleAsync(buyer, product));

        await app.StopAsync("cache-replica", Ct);
        await app.WaitForStoppedAsync("cache-replica", Ct);
        await app.StopAsync("cache", Ct);
        await app.WaitForStoppedAsync("cache", Ct);
        try
        {
            await WaitForOrderTitleAsync(buyer, product, title => title == "Orders paused");
        }
        finally
        {
            await app.StartAsync("cache", Ct);
            await app.StartAsync("cache-replica", Ct);
            await app.WaitForHealthyAsync("cache", Patience, Ct);
        }

        await WaitForOrderTitleAsync(buyer, product, title => title != "Orders paused");
    }

    /// <summary>A replica that answers: the other test here kills one and does not bring it back.</summary>
    private async Task<int> LiveReplicaAsync()
    {
        for (var replica = 0; replica < fixture.App.Instances("gateway").Count; replica++)
        {
            using var client = fixture.App.CreateReplicaClient("gateway", replica);
            try
            {
                using var alive = await client.GetAsync("/alive", Ct);
                if (alive.IsSuccessStatusCode)
                {
                    return replica;
                }
            }
            catch (HttpRequestException)
            {
                // killed: try the next
            }
        }

        throw new InvalidOperationException("No gateway replica answers.");
    }

    /// <summary>The problem title of an order's answer (empty for a success), as the gateway or the order service gave it.</summary>
    private static async Task<string> OrderTitleAsync(HttpClient buyer, int product)
    {
        using var response = await Sales.OrderAsync(buyer, product, admissionToken: null, ct: Ct);
        return response.IsSuccessStatusCode ? "" : $"{(await response.Content.ReadFromJsonAsync<JsonNode>(Ct))?["title"]}";
    }

    private static async Task WaitForOrderTitleAsync(HttpClient buyer, int product, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (condition(last = await OrderTitleAsync(buyer, product)))
            {
                return;
            }

            await Task.Delay(250, Ct);
        }

        throw new TimeoutException($"The order's answer stayed \"{last}\" for {Patience}.");
    }

    /// <summary>The replica that last said it admits (in the gateway's logs after <paramref name="mark"/>).</summary>
    private async Task<int> AdmitterAsync(long mark)
    {
        var instances = fixture.App.Instances("gateway").Select(i => i.ResourceId).ToList();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (fixture.App.Logs("gateway", mark).LastOrDefault(l => l.Text.Contains("admits buyers now", StringComparison.Ordinal)) is { } line)
            {
                return instances.IndexOf(line.Instance);
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException("No gateway replica took the admitter's lease.");
    }
}

public sealed class WaitingRoomFaultFixture : IAsyncLifetime
{
    public PlatformApp App { get; private set; } = null!;

    public SimulatedBuyers Buyers { get; } = new();

    // the gateway and what it waits for: nobody pays here, so no payment service or provider
    public async ValueTask InitializeAsync() =>
        App = await Buyers.Register(PlatformAppBuilder.Create("--Catalog:Replicas=1")).Only("gateway").StartAsync(TimeSpan.FromMinutes(4));

    public HttpClient Replica(int replica, string token) => App.CreateReplicaClient("gateway", replica, token);

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WaitingRoomFaultCollection : ICollectionFixture<WaitingRoomFaultFixture>
{
    public const string Name = "Waiting room faults";
}
