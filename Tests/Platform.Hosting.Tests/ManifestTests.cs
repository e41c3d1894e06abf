using System.Text.Json.Nodes;
using Platform.Hosting.Publishing;
using Platform.Hosting.Testing;
using Platform.Hosting.Tests.Schemas;

namespace Platform.Hosting.Tests;

public sealed class ManifestTests
{
    [Fact]
    public async Task Committed_manifest_matches_the_AppHost_and_is_valid_against_the_Aspire_schema()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>("--publisher", "manifest");
        await using var app = builder.Build();
        var manifestDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "aspire-manifest"));

        var generated = await ManifestWriter.WriteAsync(app.Model, manifestDirectory, builder.ExecutionContext);

        var committed = await File.ReadAllTextAsync(Path.Combine(manifestDirectory, "aspire-manifest.json"), TestContext.Current.CancellationToken);
        Assert.True(committed == generated,
            "aspire-manifest/aspire-manifest.json is stale: run `dotnet run --project AppHost -- --publisher manifest --output-path ../aspire-manifest/aspire-manifest.json` and commit it.");
        var errors = JsonSchemaValidator.Load(Path.Combine(AppContext.BaseDirectory, "Schemas", "aspire-8.0.json")).Validate(JsonNode.Parse(generated));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task Manifest_describes_containers_parameters_databases_and_projects()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>("--publisher", "manifest");
        await using var app = builder.Build();

        var manifest = JsonNode.Parse(await ManifestWriter.WriteAsync(app.Model, builder.AppHostDirectory, builder.ExecutionContext))!["resources"]!;

        Assert.Equal("container.v0", (string?)manifest["cache"]!["type"]);
        Assert.StartsWith("docker.io/library/redis:", (string?)manifest["cache"]!["image"]);
        Assert.Equal(6379, (int?)manifest["cache"]!["bindings"]!["tcp"]!["targetPort"]);
        Assert.Equal("parameter.v0", (string?)manifest["cache-password"]!["type"]);
        Assert.True((bool?)manifest["cache-password"]!["inputs"]!["value"]!["secret"]);
        Assert.Equal("value.v0", (string?)manifest["catalogdb"]!["type"]);
        Assert.Equal("{postgres.connectionString};Database=catalogdb", (string?)manifest["catalogdb"]!["connectionString"]);
        Assert.Equal("project.v0", (string?)manifest["order"]!["type"]);
        Assert.Equal("{catalog.bindings.http.url}", (string?)manifest["order"]!["env"]!["services__catalog__http__0"]);
        Assert.Equal("{cache.connectionString}", (string?)manifest["order"]!["env"]!["ConnectionStrings__cache"]);
        Assert.True((bool?)manifest["catalog"]!["bindings"]!["http"]!["external"]);
        Assert.DoesNotContain("127.0.0.1", manifest.ToJsonString());
    }
}
