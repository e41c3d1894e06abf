using Aspire.Hosting.ApplicationModel;

namespace Platform.Testing.InMemory;

/// <summary>A project of the AppHost's model that the test process runs itself, and how to start one instance of it.</summary>
internal sealed record InMemoryRegistration(ProjectResource Project, Func<string, IReadOnlyDictionary<string, string?>, ResourceLog, InMemoryService> Create);
