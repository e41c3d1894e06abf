namespace Platform.Bootstrap.Options;

/// <summary>The login role that owns a database, with its (generated) password.</summary>
public sealed class DatabaseOwner
{
    public string Role { get; init; } = "";

    public string Password { get; init; } = "";
}
