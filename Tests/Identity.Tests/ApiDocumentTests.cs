using Platform.Testing;
using Xunit;

namespace Platform.Identity.Tests;

public sealed class ApiDocumentTests
{
    [Fact]
    public async Task Every_route_is_in_the_services_OpenAPI_document() =>
        Assert.Empty(await ApiDocumentCoverage.UndocumentedRoutesAsync<Platform.Identity.Options.IdentitySettings>("identitydb"));
}
