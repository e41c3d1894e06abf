using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Platform.Hosting.Tests;

/// <summary>The deployment manifest is Aspire's own publisher's output for the AppHost: committed, current, valid
/// against the Aspire schema, and free of the local-process helpers (they exist in run mode only).</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_committed_manifest_is_what_Aspire_publishes_for_the_AppHost_and_valid_against_its_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var generated = await PublishAsync(ct);

        var committed = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "aspire-manifest", "aspire-manifest.json"), ct);
        Assert.True(committed == generated,
            "aspire-manifest/aspire-manifest.json is stale: run `dotnet run --project AppHost -- --publisher manifest --output-path ../aspire-manifest/aspire-manifest.json` and commit it.");

        var schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "aspire-8.0.json"));
        var result = schema.Evaluate(JsonDocument.Parse(generated).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public async Task The_servers_are_Aspires_standard_containers_and_no_local_process_helper_appears()
    {
        var manifest = JsonNode.Parse(await PublishAsync(TestContext.Current.CancellationToken))!["resources"]!.AsObject();

        Assert.Equal("container.v0", (string?)manifest["cache"]!["type"]);
        Assert.StartsWith("docker.io/library/redis:", (string?)manifest["cache"]!["image"]);
        Assert.StartsWith("docker.io/library/postgres:", (string?)manifest["postgres"]!["image"]);
        Assert.StartsWith("docker.io/library/rabbitmq:", (string?)manifest["messaging"]!["image"]);
        Assert.Equal("parameter.v0", (string?)manifest["cache-password"]!["type"]);
        Assert.True((bool?)manifest["cache-password"]!["inputs"]!["value"]!["secret"]);
        Assert.Equal("{postgres.connectionString};Database=catalogdb", (string?)manifest["catalogdb"]!["connectionString"]);
        Assert.Equal("{cache.connectionString}", (string?)manifest["order"]!["env"]!["ConnectionStrings__cache"]);
        // each service logs in as its database's owner role, with a generated password, not as the superuser
        Assert.Equal("value.v0", (string?)manifest["orderdb-owner"]!["type"]);
        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=order_service;Password={orderdb-owner-password.value};Database=orderdb",
            (string?)manifest["orderdb-owner"]!["connectionString"]);
        Assert.Equal("{orderdb-owner.connectionString}", (string?)manifest["order"]!["env"]!["ConnectionStrings__orderdb"]);
        Assert.True((bool?)manifest["orderdb-owner-password"]!["inputs"]!["value"]!["secret"]);
        // published, no demo user: one administrator, their password a generated secret parameter
        Assert.Equal("{administrator-password.value}", (string?)manifest["identity"]!["env"]!["Identity__Users__administrator__Password"]);
        Assert.Equal("administrator,catalog-admin", (string?)manifest["identity"]!["env"]!["Identity__Users__administrator__Roles"]);
        Assert.True((bool?)manifest["administrator-password"]!["inputs"]!["value"]!["secret"]);
        Assert.Null(manifest["identity"]!["env"]!["Identity__Users__alice__Password"]);
        // the state Redis as it runs locally: a primary, a replica and three sentinels (containers of the same image),
        // every service connecting through the sentinels
        foreach (var server in new[] { "cache-replica", "cache-sentinel-1", "cache-sentinel-2", "cache-sentinel-3" })
        {
            Assert.Equal("container.v0", (string?)manifest[server]!["type"]);
            Assert.Equal((string?)manifest["cache"]!["image"], (string?)manifest[server]!["image"]);
            Assert.Equal("{cache-password.value}", (string?)manifest[server]!["env"]!["REDIS_PASSWORD"]);
        }

        Assert.Equal("{cache-sentinel-1.bindings.tcp.host}:{cache-sentinel-1.bindings.tcp.port},{cache-sentinel-2.bindings.tcp.host}:{cache-sentinel-2.bindings.tcp.port},"
            + "{cache-sentinel-3.bindings.tcp.host}:{cache-sentinel-3.bindings.tcp.port},serviceName=cache,password={cache-password.value}", (string?)manifest["cache"]!["connectionString"]);
        var replica = (string?)manifest["cache-replica"]!["args"]![1];
        Assert.Contains("--replicaof cache 6379", replica);
        Assert.Contains("--appendonly yes --appendfsync everysec", replica);
        Assert.Contains("--maxmemory-policy noeviction", replica);
        Assert.Contains(manifest["cache-replica"]!["volumes"]!.AsArray(), v => (string?)v!["target"] == "/data");
        Assert.Contains("sentinel monitor cache cache 6379 2", (string?)manifest["cache-sentinel-1"]!["args"]![1]);
        Assert.DoesNotContain("catalog-cache-sentinel-1", manifest.Select(r => r.Key)); // the catalog's cache stays one server
        // the shared Redis never evicts (state); the catalog cache's own evicts its least recently used keys
        Assert.Contains("--maxmemory-policy noeviction", (string?)manifest["cache"]!["args"]![1]);
        Assert.Contains("--maxmemory-policy allkeys-lru", (string?)manifest["catalog-cache"]!["args"]![1]);
        Assert.Equal("{catalog-cache.connectionString}", (string?)manifest["catalog"]!["env"]!["ConnectionStrings__catalog-cache"]);
        Assert.DoesNotContain(manifest, r => r.Key.EndsWith("-server", StringComparison.Ordinal) || r.Key.EndsWith("-epmd", StringComparison.Ordinal));
        Assert.DoesNotContain("127.0.0.1", manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("platform-servers", manifest.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_published_system_keeps_its_data_pays_through_a_real_provider_and_has_one_public_door()
    {
        var manifest = JsonNode.Parse(await PublishAsync(TestContext.Current.CancellationToken))!["resources"]!.AsObject();

        // every stateful server keeps its data in a volume; the state Redis writes an append-only file, synced each second
        Assert.Contains(Volumes("postgres"), v => ((string?)v!["target"])!.StartsWith("/var/lib/postgresql", StringComparison.Ordinal));
        Assert.Contains(Volumes("messaging"), v => (string?)v!["target"] == "/var/lib/rabbitmq");
        Assert.Contains(Volumes("cache"), v => (string?)v!["target"] == "/data");
        Assert.Contains("--appendonly yes --appendfsync everysec", (string?)manifest["cache"]!["args"]![1]);
        Assert.Empty(Volumes("catalog-cache")); // a cache: a restart empties it (docs/deployment.md)

        // no secret is a literal: each is a generated or operator-supplied parameter
        foreach (var (name, resource) in manifest.Where(r => (string?)r.Value!["type"] == "parameter.v0" && (bool?)r.Value!["inputs"]?["value"]?["secret"] == true))
        {
            Assert.True(resource!["inputs"]!["value"]!["default"]?["value"] is null, $"{name} has a literal value");
        }

        // the simulator is not deployed: the payment service calls the provider the operator names
        Assert.DoesNotContain("payment-provider", manifest.Select(r => r.Key));
        Assert.Equal("{payment-provider-url.value}", (string?)manifest["payment"]!["env"]!["services__payment-provider__default__0"]);
        Assert.Equal("{payment-provider-api-key.value}", (string?)manifest["payment"]!["env"]!["PaymentProvider__ApiKey"]);
        Assert.True((bool?)manifest["payment-provider-api-key"]!["inputs"]!["value"]!["secret"]);

        // one public door: the gateway; tokens name the public address as their issuer
        var external = manifest.Where(r => r.Value!["bindings"]?.AsObject().Any(b => (bool?)b.Value!["external"] == true) == true).Select(r => r.Key);
        Assert.Equal(["gateway"], external);
        Assert.Equal("{public-url.value}", (string?)manifest["identity"]!["env"]!["Identity__Issuer"]);
        // the gateway believes X-Forwarded-For only from the ingress in front of it (the operator names its networks)
        Assert.Equal("{ingress-networks.value}", (string?)manifest["gateway"]!["env"]!["ForwardedHeaders__KnownNetworks"]);

        JsonArray Volumes(string resource) => manifest[resource]!["volumes"]?.AsArray() ?? [];
    }

    [Fact]
    public async Task The_replica_counts_in_the_deployment_guide_are_the_AppHosts()
    {
        var ct = TestContext.Current.CancellationToken;
        // the composition in publish mode, never built or run: the counts are what a deployment must reproduce
        await using var builder = await Aspire.Hosting.Testing.DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), $"unused-{Guid.NewGuid():N}.json")], ct);
        var counts = builder.Resources.OfType<ProjectResource>().Where(p => p.Name is not ("bootstrap" or "payment-provider"))
            .ToDictionary(p => p.Name, p => p.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1);

        var guide = await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "docs", "deployment.md"), ct);
        var documented = guide.Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\| ([a-z-]+) \| (\d+) \|"))
            .Where(m => m.Success).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(counts.OrderBy(c => c.Key), documented.OrderBy(d => d.Key));
    }

    /// <summary>Runs the AppHost as the README says (<c>--publisher manifest</c>) into a scratch file beside the committed
    /// one (project paths in the manifest are relative to its directory).</summary>
    private static async Task<string> PublishAsync(CancellationToken ct)
    {
        var output = Path.Combine(Repository.Root, "aspire-manifest", $".check-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Repository.AppHostDll, "--publisher", "manifest", "--output-path", output })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"publishing failed ({process.ExitCode}): {await log}{await errors}");
        try
        {
            return await File.ReadAllTextAsync(output, ct);
        }
        finally
        {
            File.Delete(output);
        }
    }
}

internal static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>The AppHost as built in this test run's configuration.</summary>
    public static string AppHostDll => Path.Combine(Root, "AppHost", "bin",
        AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "AppHost.dll");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Platform.slnx not found above the test output.");
    }
}
