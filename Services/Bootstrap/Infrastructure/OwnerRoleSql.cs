namespace Platform.Bootstrap.Infrastructure;

/// <summary>
/// Makes a login role the owner of one database and of nothing else. Run as the superuser inside the database, with
/// parameters @role, @password, @database; idempotent (a second run sets the password again and hands the role whatever
/// was made since as someone else). The values travel as parameters into settings the block reads, so the password is
/// never part of the statement's text.
/// </summary>
internal static class OwnerRoleSql
{
    public const string Text = """
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
