namespace Platform.Identity.Infrastructure;

/// <summary>The identity service's own names; the roles and scopes it issues are <see cref="PlatformAccess"/>'s.</summary>
public static class IdentityNames
{
    /// <summary>The public client a developer's curl uses for the password grant (Development only).</summary>
    public const string DevelopmentClientId = "platform-dev";
}
