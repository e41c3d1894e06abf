using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// Users and roles (ASP.NET Core Identity) and OpenIddict's applications, authorizations, scopes and tokens, in the
/// identity database. Its tables are created by <see cref="IdentitySchema"/>, not by EF migrations: every service's
/// schema goes through the one migrator.
/// </summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : IdentityDbContext<IdentityUser>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
    }
}
