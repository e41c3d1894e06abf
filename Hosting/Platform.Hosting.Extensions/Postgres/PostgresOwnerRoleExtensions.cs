using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

public static class PostgresOwnerRoleExtensions
{
    /// <summary>
    /// The role <paramref name="roleName"/> (generated password) as the owner of the database, created or brought up
    /// to date by the AppHost once the database exists, and healthy once it can log in. A service references it with
    /// the database's connection name: <c>.WithReference(owner, "orderdb").WaitFor(owner)</c>. Objects made before the
    /// role existed (a data volume of an earlier run) are handed to it. In a deployment the same SQL
    /// (<see cref="OwnerRoleSql"/>) runs once as its migration step: the manifest carries the role's connection string.
    /// </summary>
    public static IResourceBuilder<PostgresOwnerRoleResource> AddOwnerRole(this IResourceBuilder<PostgresDatabaseResource> database, string roleName)
    {
        var app = database.ApplicationBuilder;
        var name = $"{database.Resource.Name}-owner";
        var password = app.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false, MinLower = 1, MinUpper = 1, MinNumeric = 1 }, secret: true);
        var role = new PostgresOwnerRoleResource(name, database.Resource, roleName, password.Resource);

        string? connectionString = null;
        var healthCheck = $"{name}_check";
        app.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name}: the role is not created yet."), name: healthCheck);

        app.Eventing.Subscribe<ResourceReadyEvent>(database.Resource, async (e, ct) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(role);
            try
            {
                await using var connection = new NpgsqlConnection(await database.Resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await using var command = new NpgsqlCommand(OwnerRoleSql, connection);
                command.Parameters.AddWithValue("role", roleName);
                command.Parameters.AddWithValue("password", await password.Resource.GetValueAsync(ct).ConfigureAwait(false) ?? "");
                command.Parameters.AddWithValue("database", database.Resource.DatabaseName);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                connectionString = await role.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false);
                logger.LogInformation("Role {Role} owns database {Database}", roleName, database.Resource.DatabaseName);
                await notifications.PublishUpdateAsync(role, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                logger.LogError(ex, "Could not create role {Role} for database {Database}", roleName, database.Resource.DatabaseName);
                await notifications.PublishUpdateAsync(role, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
            }
        });

        return app.AddResource(role)
            .WithParentRelationship(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresRole", State = KnownResourceStates.Waiting, Properties = [] })
            .WithHealthCheck(healthCheck)
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.Writer.WriteString("connectionString", role.ConnectionStringExpression.ValueExpression);
            });
    }

    /// <summary>
    /// Run as the superuser inside the database, with parameters @role, @password, @database. Idempotent. The values
    /// travel as parameters into settings the block reads, so the password is never part of the statement's text.
    /// </summary>
    public const string OwnerRoleSql = """
        SELECT set_config('platform.role', @role, false), set_config('platform.password', @password, false), set_config('platform.database', @database, false);
        DO $$
        DECLARE
          r text := current_setting('platform.role');
          d text := current_setting('platform.database');
          item record;
        BEGIN
          IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', r, current_setting('platform.password'));
          ELSE
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', r, current_setting('platform.password'));
          END IF;
          EXECUTE format('ALTER DATABASE %I OWNER TO %I', d, r);
          EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', d);
          -- what was made before the role existed: schemas, then tables, views and sequences not owned by a table
          -- (those follow their table) and not part of an extension
          FOR item IN SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', 'public') AND nspowner <> r::regrole
          LOOP
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', item.nspname, r);
          END LOOP;
          FOR item IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND c.relowner <> r::regrole
              AND NOT EXISTS (SELECT FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype IN ('a', 'i', 'e'))
          LOOP
            EXECUTE format('ALTER %s %I.%I OWNER TO %I',
              CASE item.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
              item.nspname, item.relname, r);
          END LOOP;
        END $$;
        """;
}
