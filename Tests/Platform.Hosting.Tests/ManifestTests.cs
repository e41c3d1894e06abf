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
        Assert.DoesNotContain(manifest, r => r.Key.EndsWith("-sentinel-1", StringComparison.Ordinal) || r.Key.EndsWith("-replica", StringComparison.Ordinal));
        // the shared Redis never evicts (state); the catalog cache's own evicts its least recently used keys
        Assert.EndsWith("--maxmemory-policy noeviction", (string?)manifest["cache"]!["args"]![1]);
        Assert.EndsWith("--maxmemory-policy allkeys-lru", (string?)manifest["catalog-cache"]!["args"]![1]);
        Assert.Equal("{catalog-cache.connectionString}", (string?)manifest["catalog"]!["env"]!["ConnectionStrings__catalog-cache"]);
        Assert.DoesNotContain(manifest, r => r.Key.EndsWith("-server", StringComparison.Ordinal) || r.Key.EndsWith("-epmd", StringComparison.Ordinal));
        Assert.DoesNotContain("127.0.0.1", manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("platform-servers", manifest.ToJsonString(), StringComparison.Ordinal);
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
