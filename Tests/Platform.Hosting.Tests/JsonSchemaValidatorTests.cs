using System.Text.Json.Nodes;
using Platform.Hosting.Tests.Schemas;

namespace Platform.Hosting.Tests;

/// <summary>The manifest test trusts this validator, so it must catch what the Aspire schema forbids.</summary>
public sealed class JsonSchemaValidatorTests
{
    private static readonly JsonSchemaValidator Aspire = JsonSchemaValidator.Load(Path.Combine(AppContext.BaseDirectory, "Schemas", "aspire-8.0.json"));

    [Fact]
    public void Accepts_a_minimal_valid_manifest() =>
        Assert.Empty(Aspire.Validate(Parse("""{"resources":{"api":{"type":"project.v0","path":"../Api/Api.csproj"}}}""")));

    [Theory]
    [InlineData("""{"resources":{"api":{"type":"project.v0"}}}""")]
    [InlineData("""{"resources":{"api":{"type":"project.v0","path":"a.csproj","unknown":1}}}""")]
    [InlineData("""{"resources":{"c":{"type":"container.v0","image":"redis","build":{"context":"."}}}}""")]
    [InlineData("""{"resources":{"c":{"type":"container.v0","image":"redis","bindings":{"tcp":{"scheme":"tcp","protocol":"sctp","transport":"tcp"}}}}}""")]
    [InlineData("""{"resources":{"c":{"type":"container.v0","image":"redis","env":{"A":1}}}}""")]
    [InlineData("""{"resources":{"p":{"type":"parameter.v0","value":"{p.inputs.value}"}}}""")]
    [InlineData("""{"nothing":{}}""")]
    public void Rejects_what_the_schema_forbids(string manifest) => Assert.NotEmpty(Aspire.Validate(Parse(manifest)));

    private static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
