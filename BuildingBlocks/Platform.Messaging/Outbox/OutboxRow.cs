namespace Platform.Messaging.Outbox;

/// <summary>An unsent outbox row as the dispatcher claimed it.</summary>
internal sealed record OutboxRow(Guid Id, string Type, string Payload, string? TraceParent, int Attempts);
