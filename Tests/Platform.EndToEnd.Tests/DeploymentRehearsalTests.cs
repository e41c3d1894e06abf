using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using StackExchange.Redis;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A deployment rehearsed on this machine (docs/deployment.md, "Rehearsal"): the AppHost in the published shape
/// (Production, no demo users, the bootstrap, data in volumes, each service its own database login, the real provider's
/// parameters pointed at a provider outside the AppHost, one replica of each service as the manifest deploys), every
/// parameter supplied as an operator's deployment keeps it. Accounts made the operator's way sign in through the
/// gateway and buy; each server is killed (SIGKILL) and started again; the whole AppHost is stopped and started; then
/// everything is still there and a new order goes through.
/// </summary>
public sealed class DeploymentRehearsalTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Recovery = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_published_shape_keeps_accounts_orders_payments_feeds_and_the_sale_through_server_kills_and_a_restart()
    {
        var data = DataDirectory.Create();
        using var provider = await ProviderProcess.StartAsync(Ct);
        var settings = OperatorSettings(provider);
        var accounts = new Dictionary<string, (string Password, string Roles)>
        {
            ["carol"] = (Secret(), "buyer"),
            ["dave"] = (Secret(), "buyer"),
            ["ops"] = (Secret(), "catalog-admin"),
        };
        try
        {
            string saleId;
            long carolsPlace;
            Counts before;
            var clock = Stopwatch.StartNew();
            await using (var app = await Published(data, settings, accounts).StartAsync(StartPatience, Ct))
            {
                output.WriteLine($"first start (volumes created, bootstrap run): all healthy in {clock.Elapsed.TotalSeconds:F1} s");
                var tokens = await SignInAsync(app, accounts, Ct);
                using var shop = ShopOf(app, tokens["ops"], tokens["carol"], provider);
                var itemId = await shop.CreateItemAsync(stock: 100, Ct);
                var orders = new[] { await shop.PlaceAsync(itemId, Ct), await shop.PlaceAsync(itemId, Ct) };
                Assert.All(await shop.WaitForFinalAsync(orders, Ct), status => Assert.Equal("confirmed", status));

                // a sale of another product, opening tomorrow, its queue joined by both buyers today
                using var ops = Gateway(app, tokens["ops"]);
                saleId = $"rehearsal-{Guid.NewGuid():N}"[..24];
                var onSale = await shop.CreateItemAsync(stock: 10, Ct);
                using (var opened = await ops.PostAsJsonAsync("/api/queue/sales", new
                {
                    id = saleId,
                    productIds = new[] { onSale },
                    admissionRatePerSecond = 1,
                    startsAt = DateTimeOffset.UtcNow.AddDays(1),
                    idleTimeoutSeconds = 3600,
                }, Ct))
                {
                    Assert.True(opened.StatusCode == HttpStatusCode.Created, $"opening the sale: {(int)opened.StatusCode} {await opened.Content.ReadAsStringAsync(Ct)}");
                }

                carolsPlace = await JoinAsync(Gateway(app, tokens["carol"]), saleId);
                await JoinAsync(Gateway(app, tokens["dave"]), saleId);

                // each server killed outright, then started again as a container platform restarts it
                foreach (var server in new[] { "postgres", "cache", "messaging" })
                {
                    // every process of the server at once, as a container's are when it is killed
                    var killed = Stopwatch.StartNew();
                    var roots = app.ProcessIds(server);
                    var pids = ProcessTable.Read().DescendantsOf(roots).Concat(roots).Distinct().ToList();
                    foreach (var pid in pids)
                    {
                        try
                        {
                            Process.GetProcessById(pid).Kill();
                        }
                        catch (ArgumentException)
                        {
                            // gone with its parent already
                        }
                    }

                    await app.WaitForStoppedAsync(server, Ct);
                    Assert.True(await ProcessProbe.WaitUntilAllExitedAsync(pids, TimeSpan.FromSeconds(30)), $"{server} survived SIGKILL");
                    await app.StartAsync(server, Ct);
                    await app.WaitForHealthyAsync(server, Recovery, Ct);
                    var again = await shop.PlacePatientlyAsync(itemId, [], Recovery, Ct);
                    Assert.Equal("confirmed", (await shop.WaitForFinalAsync([again], Ct)).Single());
                    output.WriteLine($"kill -9 {server}: a purchase confirmed again {killed.Elapsed.TotalSeconds:F1} s after the kill");
                }

                // a confirmed order's notification is still on its way (the event leaves after the order commits): counted
                // too early, it arrived after the count and the restart seemed to have made one (seen in a CI-style run)
                before = await CountAsync(app, saleId, Ct);
                for (var settled = Stopwatch.StartNew(); before.Notifications < 2 * before.Orders; before = await CountAsync(app, saleId, Ct))
                {
                    Assert.True(settled.Elapsed < Recovery, $"each order is announced twice (received, then its end): {before}");
                    await Task.Delay(250, Ct);
                }

                output.WriteLine($"before the restart: {before}");
            }

            clock.Restart();
            await using (var app = await Published(data, settings, accounts).StartAsync(StartPatience, Ct))
            {
                output.WriteLine($"restart on kept data: all healthy in {clock.Elapsed.TotalSeconds:F1} s");
                var after = await CountAsync(app, saleId, Ct);
                output.WriteLine($"after the restart: {after}");
                Assert.Equal(before, after);

                // everyone signs in with the same password; the sale still has carol where she was; a new order goes through
                var tokens = await SignInAsync(app, accounts, Ct);
                var status = JsonNode.Parse(await Gateway(app, tokens["carol"]).GetStringAsync($"/api/queue/{saleId}/status", Ct))!;
                Assert.Equal(carolsPlace, (long?)status["place"]);
                using var shop = ShopOf(app, tokens["ops"], tokens["dave"], provider);
                var itemId = await shop.CreateItemAsync(stock: 10, Ct);
                Assert.Equal("confirmed", (await shop.WaitForFinalAsync([await shop.PlaceAsync(itemId, Ct)], Ct)).Single());
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>The published shape run here: Production for the AppHost and every service, the operator's
    /// parameters, the operator's accounts (identity's settings), one replica of each service, data in <paramref name="data"/>.</summary>
    private static PlatformAppBuilder Published(DirectoryInfo data, IReadOnlyDictionary<string, string> settings, Dictionary<string, (string Password, string Roles)> accounts)
    {
        var builder = PlatformAppBuilder.Create([.. settings.Select(s => $"--Parameters:{s.Key}={s.Value}"), "--AppHost:DemoUsers=false", "--Catalog:Replicas=1", "--Gateway:Replicas=1"])
            .InEnvironment("Production")
            .WithDataIn(data.FullName)
            .Configure(apphost =>
            {
                foreach (var project in apphost.Resources.OfType<ProjectResource>())
                {
                    apphost.CreateResourceBuilder(project).WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production").WithEnvironment("DOTNET_ENVIRONMENT", "Production");
                }
            });
        foreach (var (name, (password, roles)) in accounts)
        {
            builder.WithEnvironment("identity", $"Identity__Users__{name}__Password", password).WithEnvironment("identity", $"Identity__Users__{name}__Roles", roles);
        }

        return builder;
    }

    /// <summary>What an operator's deployment keeps (azd: the environment's configuration and key vault): every
    /// generated secret, chosen once, and the real provider's address and key.</summary>
    private static Dictionary<string, string> OperatorSettings(ProviderProcess provider)
    {
        var settings = new[]
        {
            "postgres-password", "cache-password", "catalog-cache-password", "messaging-password",
            "catalogdb-owner-password", "orderdb-owner-password", "paymentdb-owner-password", "notificationdb-owner-password", "identitydb-owner-password",
            "order-client-secret", "operations-client-secret", "waiting-room-signing-key",
        }.ToDictionary(name => name, _ => Secret());
        settings["payment-provider-url"] = provider.Address.ToString().TrimEnd('/');
        settings["payment-provider-api-key"] = provider.ApiKey;
        return settings;
    }

    private static string Secret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)) + "aA1";

    private static async Task<Dictionary<string, string>> SignInAsync(PlatformApp app, Dictionary<string, (string Password, string Roles)> accounts, CancellationToken ct)
    {
        var redirect = app.Instances("identity")[0].Snapshot.EnvironmentVariables.Single(v => v.Name == "Identity__PublicClients__api-reference__RedirectUris").Value!;
        using var gateway = app.CreateHttpClient("gateway");
        var tokens = new Dictionary<string, string>();
        foreach (var (name, (password, _)) in accounts)
        {
            using var browser = new CodeFlow(gateway.BaseAddress!, "api-reference", redirect);
            var (code, verifier) = await browser.AuthorizeAsync(name, password, ct);
            var (status, body) = await browser.RedeemAsync(code, verifier, ct);
            Assert.True(status == HttpStatusCode.OK, $"{name} could not sign in: {body}");
            tokens[name] = (string)body["access_token"]!;
        }

        return tokens;
    }

    private static HttpClient Gateway(PlatformApp app, string token) => app.CreateAuthorizedClient("gateway", token);

    private static Shop ShopOf(PlatformApp app, string adminToken, string buyerToken, ProviderProcess provider)
    {
        var providerClient = new HttpClient { BaseAddress = provider.Address };
        providerClient.DefaultRequestHeaders.Authorization = new("Bearer", provider.ApiKey);
        return new Shop(Gateway(app, adminToken), Gateway(app, buyerToken), providerClient);
    }

    private static async Task<long> JoinAsync(HttpClient buyer, string saleId)
    {
        using (buyer)
        {
            using var joined = await buyer.PostAsync($"/api/queue/{saleId}/join", null, Ct);
            var body = await joined.Content.ReadAsStringAsync(Ct);
            Assert.True(joined.IsSuccessStatusCode, $"joining: {(int)joined.StatusCode} {body}");
            return (long)JsonNode.Parse(body)!["place"]!;
        }
    }

    /// <summary>Rows of every service's own records and the sale's keys in the state Redis.</summary>
    private static async Task<Counts> CountAsync(PlatformApp app, string saleId, CancellationToken ct)
    {
        async Task<long> RowsAsync(string database, string table)
        {
            await using var source = NpgsqlDataSource.Create(await app.ConnectionStringAsync(database, ct));
            await using var command = source.CreateCommand($"SELECT count(*) FROM {table}");
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await app.ConnectionStringAsync("cache", ct) + ",allowAdmin=true");
        var primary = redis.GetServers().Single(s => !s.IsReplica && s.IsConnected);
        var saleKeys = 0;
        await foreach (var _ in primary.KeysAsync(pattern: $"*{saleId}*"))
        {
            saleKeys++;
        }

        return new Counts(
            await RowsAsync("identitydb", "\"AspNetUsers\""),
            await RowsAsync("orderdb", "orders"),
            await RowsAsync("paymentdb", "payments"),
            await RowsAsync("notificationdb", "notifications"),
            saleKeys);
    }

    private sealed record Counts(long Users, long Orders, long Payments, long Notifications, int SaleKeys);
}
