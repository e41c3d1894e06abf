using System.Net;

namespace Platform.EndToEnd.Tests;

[Collection(AppHostCollection.Name)]
public sealed class AppHostStartupTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Services = ["catalog", "order", "payment", "notification"];

    [Fact]
    public void Every_resource_and_replica_is_running_and_healthy()
    {
        var snapshots = fixture.App.ResourceNotifications.Snapshots;
        output.WriteLine($"All healthy after {fixture.StartupDuration.TotalSeconds:F1} s (from CreateAsync)");

        Assert.Equal(
            ["cache", "catalog-0", "catalog-1", "catalogdb", "messaging", "notification", "notificationdb", "order", "orderdb", "payment", "payment-provider", "paymentdb", "postgres"],
            snapshots.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(snapshots, s => Assert.True(s.IsHealthy, $"{s.Name} is {s.State}/{s.Health}: {s.HealthDescription}"));
        Assert.All(snapshots.Where(s => s.ResourceType != "PostgresDatabase"), s => Assert.NotEmpty(s.ProcessIds));
    }

    [Fact]
    public async Task Every_service_replica_answers_health_and_alive()
    {
        foreach (var service in Services)
        {
            var replicas = fixture.App.Model.Find(service).GetReplicaCount();
            for (var replica = 0; replica < replicas; replica++)
            {
                using var client = fixture.App.CreateHttpClient(service, replica: replica);
                using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);
                using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            }
        }
    }

    [Fact]
    public async Task Every_service_checks_the_servers_it_references_by_their_own_protocols()
    {
        foreach (var service in Services)
        {
            using var client = fixture.App.CreateHttpClient(service);
            var report = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/health", TestContext.Current.CancellationToken))!;
            Assert.Equal("Healthy", (string?)report["status"]);
            foreach (var check in new[] { "redis", "postgres" })
            {
                Assert.True((string?)report["entries"]?[check]?["status"] == "Healthy", $"{service}: {check} is not healthy: {report.ToJsonString()}");
            }

            // The broker is checked by the RabbitMQ client integration, or by MassTransit's bus check once a service uses it.
            var broker = report["entries"]!.AsObject().Where(e => e.Key.Contains("rabbitmq", StringComparison.Ordinal) || e.Key.Contains("masstransit", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(broker);
            Assert.All(broker, e => Assert.Equal("Healthy", (string?)e.Value!["status"]));

            Assert.Contains($"'{service}db'", (string?)report["entries"]!["postgres"]!["description"]);
        }
    }

    [Fact]
    public async Task Servers_listen_on_loopback_and_require_their_generated_passwords()
    {
        var redis = await fixture.App.GetConnectionStringAsync("cache", TestContext.Current.CancellationToken);
        var endpoint = redis!.Split(',')[0];
        Assert.StartsWith("127.0.0.1:", endpoint);

        // Without AUTH, the server refuses commands.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", int.Parse(endpoint.Split(':')[1]), TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task A_server_can_be_stopped_and_started_while_the_rest_keep_running()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = fixture.App.ResourceNotifications.InstancesOf("cache").Single();
        using var catalog = fixture.App.CreateHttpClient("catalog");

        await fixture.App.StopResourceAsync("cache", ct);
        try
        {
            var stopped = fixture.App.ResourceNotifications.InstancesOf("cache").Single();
            Assert.Equal(KnownResourceStates.Exited, stopped.State);
            Assert.All(before.ProcessIds, pid => Assert.False(ProcessProbe.IsAlive(pid), $"redis-server {pid} still runs"));
            Assert.True(fixture.App.ResourceNotifications.InstancesOf("postgres").Single().IsHealthy);

            // The services notice: their redis check fails (Unhealthy, or Degraded where a service can do without Redis).
            await WaitUntilAsync(async () => await RedisCheckAsync(catalog, ct) != "Healthy", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await fixture.App.StartResourceAsync("cache", ct);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await fixture.App.WaitForResourceHealthyAsync("cache", timeout.Token);
        var after = fixture.App.ResourceNotifications.InstancesOf("cache").Single();
        Assert.Equal(before.Restarts + 1, after.Restarts);
        Assert.Equal(before.Urls, after.Urls);
        Assert.NotEqual(before.ProcessIds, after.ProcessIds);

        // ...and recover by themselves once Redis is back: the client reconnects, nothing restarted.
        await WaitUntilAsync(async () => await RedisCheckAsync(catalog, ct) == "Healthy", TimeSpan.FromSeconds(30));
        using var recovered = CancellationTokenSource.CreateLinkedTokenSource(ct);
        recovered.CancelAfter(TimeSpan.FromSeconds(30));
        await Task.WhenAll(Services.Select(s => fixture.App.WaitForResourceHealthyAsync(s, recovered.Token)));
    }

    private static async Task<string?> RedisCheckAsync(HttpClient service, CancellationToken ct)
    {
        using var response = await service.GetAsync("/health", ct);
        var report = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        return (string?)report?["entries"]?["redis"]?["status"];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public void Console_output_of_each_resource_is_captured()
    {
        var lines = fixture.App.GetResourceLogs("postgres");
        Assert.Contains(lines, l => l.Text.Contains("database system is ready to accept connections", StringComparison.Ordinal));
    }
}
