namespace Platform.Npgsql.Schema;

/// <summary>The steps one part of a service contributes (the service itself, the messaging outbox and inbox...), in order.</summary>
public sealed record SchemaMigrationSet(string Owner, IReadOnlyList<SchemaMigration> Migrations);
