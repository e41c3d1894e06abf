using Microsoft.EntityFrameworkCore;
using Platform.Identity.Infrastructure;
using Xunit;

namespace Platform.Identity.Tests;

public sealed class SchemaTests
{
    [Fact]
    public void The_committed_schema_step_is_what_EF_Core_generates_for_the_model()
    {
        var options = new DbContextOptionsBuilder<IdentityDb>().UseNpgsql("Host=localhost").UseOpenIddict().Options;
        using var db = new IdentityDb(options);
        var generated = db.Database.GenerateCreateScript().ReplaceLineEndings("\n").Trim();

        if (generated != IdentityStoresSql.Version1.ReplaceLineEndings("\n").Trim())
        {
            // an upgrade changed the model: the difference belongs in a new schema step, the script here shows what it is
            var path = Path.Combine(Path.GetTempPath(), "identity-generated-schema.sql");
            File.WriteAllText(path, generated);
            Assert.Fail($"IdentityDb's model no longer matches IdentityStoresSql.Version1; EF Core's script is in {path}.");
        }
    }
}
