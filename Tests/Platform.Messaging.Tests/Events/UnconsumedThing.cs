namespace Platform.Messaging.Tests.Events;

/// <summary>An event no consumer of the fixture takes: no queue is bound to its exchange until a test binds one.</summary>
public sealed record UnconsumedThing(string Name);
