namespace Platform.Identity.Apis;

/// <summary>A person's account as an administrator sees it.</summary>
public sealed record UserView(string UserName, IReadOnlyList<string> Roles, bool LockedOut);
