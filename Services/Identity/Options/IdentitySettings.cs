namespace Platform.Identity.Options;

/// <summary>
/// Section <c>Identity</c>: the issuer, token lifetimes, and who exists: users (<c>Users:{name}:Password</c>,
/// <c>Roles</c>), service clients (<c>Clients:{id}:Secret</c>, <c>Scopes</c>) and the applications people sign in to
/// (<c>PublicClients:{id}:RedirectUris</c>). The AppHost generates every password
/// and secret as a parameter; nothing here has a default secret.
/// </summary>
public sealed record IdentitySettings(
    Uri? Issuer,
    TimeSpan AccessTokenLifetime,
    TimeSpan RefreshTokenLifetime,
    IReadOnlyList<SeededUser> Users,
    IReadOnlyList<ServiceClient> Clients,
    IReadOnlyList<PublicClient> PublicClients)
{
    public static IdentitySettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Identity");
        var issuer = section["Issuer"];
        return new(
            string.IsNullOrEmpty(issuer) ? null : new Uri(issuer, UriKind.Absolute),
            section.GetValue("AccessTokenLifetime", TimeSpan.FromMinutes(15)),
            section.GetValue("RefreshTokenLifetime", TimeSpan.FromDays(7)),
            [.. section.GetSection("Users").GetChildren()
                .Where(user => !string.IsNullOrEmpty(user["Password"]))
                .Select(user => new SeededUser(user.Key, user["Password"]!, List(user["Roles"])))],
            [.. section.GetSection("Clients").GetChildren()
                .Where(client => !string.IsNullOrEmpty(client["Secret"]))
                .Select(client => new ServiceClient(client.Key, client["Secret"]!, List(client["Scopes"]), client.GetValue("ActsForBuyers", false)))],
            [.. section.GetSection("PublicClients").GetChildren()
                .Where(client => !string.IsNullOrEmpty(client["RedirectUris"]))
                .Select(client => new PublicClient(client.Key, [.. List(client["RedirectUris"]).Select(uri => new Uri(uri, UriKind.Absolute))]))]);
    }

    private static string[] List(string? text) =>
        text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
}
