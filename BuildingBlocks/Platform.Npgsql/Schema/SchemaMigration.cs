using Npgsql;

namespace Platform.Npgsql.Schema;

/// <summary>
/// One schema step of a service's database: SQL, or code (a seed) that runs inside the step's transaction. Append only:
/// a step that has run somewhere is never edited, a change is a new step. <see cref="Id"/> names it in
/// <c>schema_history</c>, so it must be unique in the database and never change.
/// </summary>
public sealed record SchemaMigration(string Id, string? Sql = null, Func<NpgsqlConnection, CancellationToken, Task>? Apply = null);
