using Platform.Npgsql.Schema;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// The identity database's schema steps. The first is the SQL EF Core generates for <see cref="IdentityDb"/>'s model
/// (ASP.NET Core Identity and OpenIddict's stores), kept here so it runs through the migrator like every service's
/// schema; a test fails when the model and this SQL drift apart (a package upgrade), and the change becomes a new step.
/// </summary>
public static class IdentitySchema
{
    public static readonly SchemaMigration[] Migrations =
    [
        new("identity 0001 users, roles and OpenIddict stores", IdentityStoresSql.Version1),
        new("identity 0002 server keys", """
            CREATE TABLE server_keys (
                purpose text NOT NULL,
                material bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                retired_at timestamptz NULL
            );
            CREATE UNIQUE INDEX server_keys_current ON server_keys (purpose) WHERE retired_at IS NULL;
            """, IdentityKeys.CreateAsync),
    ];
}
