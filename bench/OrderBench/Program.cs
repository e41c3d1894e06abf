using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderBench;

// The load generator of bench/orders.sh: CONCURRENCY buyers, each with its notification stream open, placing one
// order at a time and waiting for its confirmation; WARMUP seconds not counted, then DURATION seconds measured.
// Prints throughput, latencies, where the time goes and CPU per process; last line orders_per_s=<x>.
// Exit code 1 when any order failed or was cancelled.
// OrderBench token <bench host log> <connections file> <user>: prints that user's access token (bench/catalog.sh's
// gateway-token mode), signed in as in the run below
if (args is ["token", var tokenHostLog, var tokenConnections, var user])
{
    Console.WriteLine((await SignIn.TokensAsync(BenchSettings.Load(tokenHostLog, tokenConnections), [user]))[user]);
    return 0;
}

// OrderBench waiting-room-scripts <bench host log> <connections file> <buyers> <directory>: bench/waiting-room.sh's
// setup for wrk (a sale that starts tomorrow, so everyone keeps waiting; that many buyers joined; status.lua and
// join.lua rotating over them)
if (args is ["waiting-room-scripts", var wrHostLog, var wrConnections, var wrBuyers, var directory])
{
    var wrSettings = BenchSettings.Load(wrHostLog, wrConnections);
    using var admin = WaitingRoomSetup.Client(wrSettings.Endpoints["gateway"], (await SignIn.TokensAsync(wrSettings, ["admin"]))["admin"]);
    var saleId = $"poll-{Guid.NewGuid():N}"[..17];
    await WaitingRoomSetup.OpenSaleAsync(admin, new { id = saleId, productIds = new[] { 99_999 }, admissionRatePerSecond = 1, startsAt = DateTimeOffset.UtcNow.AddDays(1), idleTimeoutSeconds = 3600 });
    var buyerTokens = await WaitingRoomSetup.BuyerTokensAsync(wrSettings, saleId, int.Parse(wrBuyers, CultureInfo.InvariantCulture));
    foreach (var token in buyerTokens)
    {
        using var buyer = WaitingRoomSetup.Client(wrSettings.Endpoints["gateway"], token);
        (await WaitingRoomSetup.SendPatientlyAsync(buyer, () => new HttpRequestMessage(HttpMethod.Post, $"/api/queue/{saleId}/join"))).EnsureSuccessStatusCode();
    }

    await File.WriteAllTextAsync(Path.Combine(directory, "status.lua"), WaitingRoomSetup.WrkScript("GET", $"/api/queue/{saleId}/status", buyerTokens));
    await File.WriteAllTextAsync(Path.Combine(directory, "join.lua"), WaitingRoomSetup.WrkScript("POST", $"/api/queue/{saleId}/join", buyerTokens));
    return 0;
}

// OrderBench waiting-room-sale <bench host log> <connections file>: bench/waiting-room.sh's sale (WaitingRoomRun)
if (args is ["waiting-room-sale", var saleHostLog, var saleConnections])
{
    return await WaitingRoomRun.RunAsync(BenchSettings.Load(saleHostLog, saleConnections));
}

if (args is not [var hostLog, var connectionsFile])
{
    Console.Error.WriteLine("usage: OrderBench <bench host log> <connections file> | OrderBench token <bench host log> <connections file> <user>");
    return 2;
}

var settings = BenchSettings.Load(hostLog, connectionsFile);
using var handler = new SocketsHttpHandler
{
    // one keep-alive connection per buyer and per stream, as that many browsers would hold
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    MaxConnectionsPerServer = int.MaxValue,
    UseProxy = false,
    AllowAutoRedirect = false,
};
HttpClient Client(string name, TimeSpan timeout, string? token = null)
{
    var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = settings.Endpoints[name], Timeout = timeout };
    if (token is not null)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    return client;
}

// everyone signs in as on the internet (the authorization code flow through the gateway) and calls the gateway
var tokens = await SignIn.TokensAsync(settings, ["admin", .. Enumerable.Range(0, settings.Concurrency).Select(i => $"bench-buyer-{i}")]);
using var catalog = Client("gateway", TimeSpan.FromSeconds(30), tokens["admin"]);
using var provider = Client("payment-provider", TimeSpan.FromSeconds(30), settings.ConnectionStrings["payment-provider-api-key"]);

var behaviour = await provider.GetFromJsonAsync<JsonObject>("/admin/behaviour");
Console.WriteLine($"payment provider: {behaviour!["latencyMs"]} ms per charge, failure rate {behaviour["failureRate"]}, decline rate {behaviour["declineRate"]}");
var products = await Setup.CreateProductsAsync(catalog, settings.Products);
Console.WriteLine($"load: {settings.Concurrency} buyers, one order at a time each (POST, then its OrderConfirmed on the buyer's SSE stream), "
    + $"1 line × 1 unit of {products.Length} products; {settings.Warmup.TotalSeconds:0} s warm-up, {settings.Duration.TotalSeconds:0} s measured");

var buyerClients = Enumerable.Range(0, settings.Concurrency).Select(i => (Orders: Client("gateway", TimeSpan.FromSeconds(30), tokens[$"bench-buyer-{i}"]),
    Notifications: Client("gateway", Timeout.InfiniteTimeSpan, tokens[$"bench-buyer-{i}"]))).ToList();
var streams = await Task.WhenAll(buyerClients.Select((c, i) => BuyerStream.OpenAsync(c.Notifications, $"bench-buyer-{i}", CancellationToken.None)));
var results = new BenchResults();
var started = DateTime.UtcNow;
var windowStart = started + settings.Warmup;
var windowEnd = windowStart + settings.Duration;
using var stopIssuing = new CancellationTokenSource(settings.Warmup + settings.Duration);
var buyers = streams.Select((stream, i) => Task.Run(() => new Buyer($"bench-buyer-{i}", buyerClients[i].Orders, stream, products, settings.OrderTimeout, results).RunAsync(stopIssuing.Token))).ToArray();

await Setup.DelayUntilAsync(windowStart);
var cpuBefore = CpuSnapshot.Take();
await Setup.DelayUntilAsync(windowEnd);
var cpuAfter = CpuSnapshot.Take();

// orders in flight at the end are followed to their end (a failure there fails the run) but not counted
await Task.WhenAll(buyers);
foreach (var stream in streams)
{
    await stream.DisposeAsync();
}

buyerClients.ForEach(c => { c.Orders.Dispose(); c.Notifications.Dispose(); });

// how the rate got there: JIT tiering of six .NET processes on two cores takes minutes, so a short warm-up measures
// the compiler as much as the system
var buckets = results.Confirmed.GroupBy(s => (int)((s.Confirmed.At - started).TotalSeconds / 10)).ToDictionary(g => g.Key, g => g.Count());
var lastBucket = (int)Math.Ceiling((windowEnd - started).TotalSeconds / 10);
Console.WriteLine($"orders/s per 10 s since the first POST (window from {settings.Warmup.TotalSeconds:0} s): "
    + string.Join(' ', Enumerable.Range(0, lastBucket).Select(b => (buckets.GetValueOrDefault(b) / 10.0).ToString("0", CultureInfo.InvariantCulture))));

var measured = results.Confirmed.Where(s => s.Confirmed.At >= windowStart && s.Confirmed.At < windowEnd).ToList();
var ordersPerSecond = measured.Count / settings.Duration.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"orders: {measured.Count} confirmed in the window ({ordersPerSecond:0.0}/s), {results.Confirmed.Count} in all; {results.Failures.Count} failed, {results.Cancelled.Count} cancelled"));
Console.WriteLine($"  POST /api/orders (201)              {Stats.Of(measured.Select(s => (s.Answered - s.Posted).TotalMilliseconds))}");
Console.WriteLine($"  POST → OrderReceived heard (SSE)    {Stats.Of(measured.Where(s => s.Received is not null).Select(s => (s.Received!.At - s.Posted).TotalMilliseconds))}");
Console.WriteLine($"  POST → OrderConfirmed heard (SSE)   {Stats.Of(measured.Select(s => (s.Confirmed.At - s.Posted).TotalMilliseconds))}");

await StageTimeline.PrintAsync(measured, started, windowStart, windowEnd, settings.ConnectionStrings, provider);
CpuAccounting.Print(cpuBefore, cpuAfter, settings.ProcessIds, measured.Count);

foreach (var problem in results.Failures.Concat(results.Cancelled).Take(20))
{
    Console.Error.WriteLine(problem);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"orders_per_s={ordersPerSecond:0.0}"));
return results.Failures.IsEmpty && results.Cancelled.IsEmpty ? 0 : 1;
