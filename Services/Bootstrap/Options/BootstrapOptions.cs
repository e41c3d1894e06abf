namespace Platform.Bootstrap.Options;

/// <summary>What must exist before the services start. The AppHost supplies it (<c>WithOwnerRoles</c>).</summary>
public sealed class BootstrapOptions
{
    public const string SectionName = "Bootstrap";

    /// <summary>Each service's database, by name, and the login role that owns it.</summary>
    public Dictionary<string, DatabaseOwner> Databases { get; init; } = [];

    /// <summary>How long to keep trying while PostgreSQL cannot be reached (a deployment starts its containers in any
    /// order); past it the bootstrap fails, and the services that wait for it do not start.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromMinutes(5);
}
