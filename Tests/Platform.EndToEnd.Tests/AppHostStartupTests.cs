using System.Net;

namespace Platform.EndToEnd.Tests;

[Collection(AppHostCollection.Name)]
public sealed class AppHostStartupTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Services = ["catalog", "order", "payment", "notification"];

    private const string RedisCheck = "StackExchange.Redis";

    /// <summary>Aspire's name for the check of a keyed Redis client.</summary>
    private const string CatalogCacheCheck = "StackExchange.Redis_catalog-cache";

    /// <summary>Other tests of the collection stop servers and services; the system must be whole again within this.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_resource_and_replica_is_running_and_healthy_servers_as_local_processes()
    {
        await fixture.App.WaitForAllHealthyAsync(Recovery, TestContext.Current.CancellationToken);
        output.WriteLine($"All healthy after {fixture.App.StartupDuration.TotalSeconds:F1} s (from StartAsync)");

        Assert.Equal(
            ["bootstrap", "cache", "cache-replica", "cache-sentinel-1", "cache-sentinel-2", "cache-sentinel-3", "cache-server", "catalog", "catalog-cache", "catalog-cache-server", "catalogdb", "catalogdb-owner", "gateway", "identity", "identitydb", "identitydb-owner", "messaging", "messaging-epmd", "messaging-server",
             "notification", "notificationdb", "notificationdb-owner", "order", "orderdb", "orderdb-owner", "payment", "payment-provider", "paymentdb", "paymentdb-owner", "postgres", "postgres-server"],
            fixture.App.Resources.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, fixture.App.Instances("catalog").Count);
        Assert.Equal(2, fixture.App.Instances("gateway").Count);
        // the bootstrap has done its work and exited; everything else runs
        Assert.Equal((KnownResourceStates.Finished, 0), (fixture.App.Current("bootstrap").Snapshot.State?.Text, fixture.App.Current("bootstrap").Snapshot.ExitCode));
        foreach (var resource in fixture.App.Resources.Where(r => r.Name != "bootstrap"))
        {
            Assert.All(fixture.App.Instances(resource.Name), e =>
                Assert.True(e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                    $"{e.ResourceId} is {e.Snapshot.State?.Text}/{e.Snapshot.HealthStatus}"));
        }

        // Aspire's own resource types, with their containers replaced by processes of the Debian packages.
        Assert.IsType<RedisResource>(fixture.App.Resources.Single(r => r.Name == "cache"));
        Assert.All(["cache", "catalog-cache", "postgres", "messaging"], name => Assert.NotEmpty(fixture.App.ProcessIds(name)));
    }

    [Fact]
    public async Task Every_service_logs_in_as_the_owner_of_its_own_database_and_of_nothing_else()
    {
        var ct = TestContext.Current.CancellationToken;
        var owners = new Dictionary<string, (string Service, string Role)>
        {
            ["catalogdb"] = ("catalog", "catalog_service"),
            ["orderdb"] = ("order", "order_service"),
            ["paymentdb"] = ("payment", "payment_service"),
            ["notificationdb"] = ("notification", "notification_service"),
            ["identitydb"] = ("identity", "identity_service"),
        };
        await using var server = global::Npgsql.NpgsqlDataSource.Create(await fixture.App.ConnectionStringAsync("postgres", ct));
        foreach (var (database, (service, role)) in owners)
        {
            // what the service is given, and what it does with it: its sessions are the role's
            Assert.All(fixture.App.Instances(service), instance => Assert.Contains($"Username={role};",
                instance.Snapshot.EnvironmentVariables.Single(v => v.Name == $"ConnectionStrings__{database}").Value, StringComparison.Ordinal));
            Assert.True(await ScalarAsync<long>(server, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = $2", database, role) > 0, $"{service} has no session as {role}");
            Assert.False(await ScalarAsync<bool>(server, "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = $1", role), $"{role} has more than a login");
            Assert.Equal(role, await ScalarAsync<string>(server, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", database));

            // every table the service made is the role's
            await using var inside = global::Npgsql.NpgsqlDataSource.Create(await fixture.App.ConnectionStringAsync(database, ct));
            Assert.True(await ScalarAsync<long>(inside, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')") > 0);
            Assert.Equal(0L, await ScalarAsync<long>(inside, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tableowner <> $1", role));
        }

        // and one service's role cannot even open another's database
        var intruder = new global::Npgsql.NpgsqlConnectionStringBuilder(await fixture.App.ConnectionStringAsync("orderdb-owner", ct)) { Database = "paymentdb", Pooling = false };
        await using var connection = new global::Npgsql.NpgsqlConnection(intruder.ConnectionString);
        var refused = await Assert.ThrowsAsync<global::Npgsql.PostgresException>(() => connection.OpenAsync(ct));
        Assert.Equal("42501", refused.SqlState); // insufficient privilege: no CONNECT on paymentdb
    }

    private static async Task<T> ScalarAsync<T>(global::Npgsql.NpgsqlDataSource source, string sql, params object[] parameters)
    {
        await using var command = source.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new global::Npgsql.NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task The_state_Redis_is_reached_through_its_sentinels()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await fixture.App.ConnectionStringAsync("cache", ct);
        Assert.Contains(",serviceName=cache,", connectionString);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(connectionString);
        // one primary and its replica, found through the sentinels (three of them, watching the same primary)
        // (waited for: a test of this collection may have stopped the primary, whose return as a replica takes seconds)
        await Shop.WaitUntilAsync(() => Task.FromResult(redis.GetServers().Count(s => s.IsConnected && !s.IsReplica) == 1
            && redis.GetServers().Count(s => s.IsConnected && s.IsReplica) == 1), ct, TimeSpan.FromSeconds(60));
        var sentinels = connectionString.Split(',').TakeWhile(part => !part.Contains('=', StringComparison.Ordinal)).ToList();
        Assert.Equal(3, sentinels.Count);
    }

    [Fact]
    public async Task Every_declared_subscription_has_its_queue_and_a_consumer_reading_it()
    {
        // Services declare every queue of Subscriptions.All before publishing; a queue nobody consumes would fill up.
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(await fixture.App.ConnectionStringAsync("messaging", TestContext.Current.CancellationToken)) };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        foreach (var queue in Platform.Contracts.IntegrationEvents.Subscriptions.All.Select(s => s.Queue).Distinct())
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
            // a passive declare fails if the queue is missing; a consumer is waited for: a test of this collection may
            // have restarted the broker, and consumers come back by themselves within seconds (seen: order-paid without
            // its consumer right after such a restart)
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((await channel.QueueDeclarePassiveAsync(queue, TestContext.Current.CancellationToken)).ConsumerCount == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{queue} has no consumer");
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public async Task Every_service_replica_answers_health_and_alive()
    {
        foreach (var service in Services.Append("gateway").Append("identity"))
        {
            await fixture.App.WaitForHealthyAsync(service, Recovery, TestContext.Current.CancellationToken); // after other tests' faults

            for (var replica = 0; replica < fixture.App.Instances(service).Count; replica++)
            {
                using var client = fixture.App.CreateReplicaClient(service, replica);
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
            await fixture.App.WaitForHealthyAsync(service, Recovery, TestContext.Current.CancellationToken); // after other tests' faults

            using var client = fixture.App.CreateHttpClient(service);
            var report = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/health", TestContext.Current.CancellationToken))!;
            Assert.Equal("Healthy", (string?)report["status"]);
            // Aspire's client integrations' own checks: Aspire.StackExchange.Redis and Aspire.Npgsql.
            foreach (var check in new[] { RedisCheck, "PostgreSql" })
            {
                Assert.True((string?)report["entries"]?[check]?["status"] == "Healthy", $"{service}: {check} is not healthy: {report.ToJsonString()}");
            }

            // The broker is checked by the RabbitMQ client integration, or by MassTransit's bus check once a service uses it.
            var broker = report["entries"]!.AsObject().Where(e => e.Key.Contains("rabbitmq", StringComparison.Ordinal) || e.Key.Contains("masstransit", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(broker);
            Assert.All(broker, e => Assert.Equal("Healthy", (string?)e.Value!["status"]));
        }
    }

    [Fact]
    public async Task Servers_listen_on_loopback_and_require_their_generated_passwords()
    {
        var ct = TestContext.Current.CancellationToken;
        var redis = await fixture.App.ConnectionStringAsync("cache", ct);
        var endpoint = redis.Split(',')[0];
        Assert.StartsWith("127.0.0.1:", endpoint);
        Assert.StartsWith("Host=127.0.0.1;", await fixture.App.ConnectionStringAsync("postgres", ct));
        Assert.Contains("@127.0.0.1:", await fixture.App.ConnectionStringAsync("messaging", ct));

        // Without AUTH, the server refuses commands.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", int.Parse(endpoint.Split(':')[1]), ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, ct);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task No_password_is_on_a_server_command_line_or_in_its_environment()
    {
        var ct = TestContext.Current.CancellationToken;
        var passwords = new Dictionary<string, string>
        {
            ["cache"] = RedisAddress.Parse(await fixture.App.ConnectionStringAsync("cache", ct)).Password,
            ["postgres"] = new global::Npgsql.NpgsqlConnectionStringBuilder(await fixture.App.ConnectionStringAsync("postgres", ct)).Password!,
            ["messaging"] = Uri.UnescapeDataString(new Uri(await fixture.App.ConnectionStringAsync("messaging", ct)).UserInfo.Split(':')[1]),
        };
        foreach (var (server, password) in passwords)
        {
            Assert.NotEmpty(fixture.App.ProcessIds(server));
            foreach (var pid in fixture.App.ProcessIds(server))
            {
                Assert.DoesNotContain(password, await File.ReadAllTextAsync($"/proc/{pid}/cmdline", ct));
                Assert.DoesNotContain(password, await File.ReadAllTextAsync($"/proc/{pid}/environ", ct));
            }
        }
    }

    /// <summary>The catalog's cache server: one server, so a service must notice it gone. (Stopping the state Redis's
    /// primary would be a failover, which <c>RedisFailoverTests</c> covers, and after an earlier failover it would not be
    /// the primary at all.)</summary>
    [Fact]
    public async Task A_server_can_be_stopped_and_started_while_the_rest_keep_running()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var line in fixture.App.Logs("cache-sentinel-1").Where(l => l.Text.Contains("+switch-master", StringComparison.Ordinal)))
        {
            output.WriteLine($"Before this test, a failover of the state Redis: {line.Text}");
        }

        const string server = "catalog-cache";
        var pidsBefore = fixture.App.ProcessIds(server);
        var urlsBefore = fixture.App.Current(server).Snapshot.Urls.Select(u => u.Url).ToList();
        using var catalog = fixture.App.CreateHttpClient("catalog");

        await fixture.App.StopAsync(server, ct);
        try
        {
            await fixture.App.WaitForStoppedAsync(server, ct);
            // the resource can read as stopped a moment before its process is gone (seen once on a loaded machine)
            await WaitUntilAsync(() => Task.FromResult(!pidsBefore.Any(ProcessProbe.IsAlive)), TimeSpan.FromSeconds(20));
            Assert.Equal(KnownResourceStates.Running, fixture.App.Current("postgres").Snapshot.State?.Text);
            Assert.Equal(KnownResourceStates.Running, fixture.App.Current("cache").Snapshot.State?.Text);

            // The catalog notices: its check of that server fails (Degraded: it can serve from memory and PostgreSQL).
            await WaitUntilAsync(async () => await CheckAsync(catalog, CatalogCacheCheck, ct) == "Degraded", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await fixture.App.StartAsync(server, ct);
        }

        await fixture.App.WaitForHealthyAsync(server, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(urlsBefore, fixture.App.Current(server).Snapshot.Urls.Select(u => u.Url));
        Assert.NotEqual(pidsBefore, fixture.App.ProcessIds(server));

        // ...and recovers by itself once the server is back: the client reconnects, nothing restarted.
        await WaitUntilAsync(async () => await CheckAsync(catalog, CatalogCacheCheck, ct) == "Healthy", TimeSpan.FromSeconds(30));
        foreach (var service in Services)
        {
            await fixture.App.WaitForHealthyAsync(service, Recovery, ct);
        }
    }

    [Fact]
    public void Console_output_of_each_server_is_captured_on_its_resource()
    {
        Assert.Contains(fixture.App.Logs("postgres"), l => l.Text.Contains("database system is ready to accept connections", StringComparison.Ordinal));
        Assert.Contains(fixture.App.Logs("cache"), l => l.Text.Contains("Ready to accept connections", StringComparison.Ordinal));
    }

    private static async Task<string?> CheckAsync(HttpClient service, string check, CancellationToken ct)
    {
        using var response = await service.GetAsync("/health", ct);
        var report = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        return (string?)report?["entries"]?[check]?["status"];
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
}
