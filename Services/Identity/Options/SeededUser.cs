namespace Platform.Identity.Options;

/// <summary>A user the identity service creates, or whose password and roles it brings back to these, at start.</summary>
public sealed record SeededUser(string UserName, string Password, IReadOnlyList<string> Roles);
