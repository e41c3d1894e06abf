namespace Platform.Messaging.Tests.Events;

public sealed record ThingHappened(string Name);
