using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// Many distinct buyers without an account each: a load-test client of the identity service that acts for buyers
/// (<c>Identity:Clients:{id}:ActsForBuyers</c>), whose tokens name <c>{clientId}:{buyer}</c>. Only tests and benchmarks
/// configure it; its secret is generated here, per run.
/// </summary>
public sealed class SimulatedBuyers
{
    public const string ClientId = "load-test";

    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public PlatformAppBuilder Register(PlatformAppBuilder builder) => builder
        .WithEnvironment("identity", $"Identity__Clients__{ClientId}__Secret", Secret)
        .WithEnvironment("identity", $"Identity__Clients__{ClientId}__ActsForBuyers", "true");

    /// <summary>An access token for buyer <paramref name="buyer"/> (subject <c>load-test:{buyer}</c>).</summary>
    public Task<string> TokenAsync(PlatformApp app, string buyer, CancellationToken cancellationToken = default) =>
        app.ClientTokenAsync(TokenRequest(Secret, buyer), cancellationToken);

    /// <summary>The token request's form, for a caller that posts it to the identity service itself (a benchmark).</summary>
    public static Dictionary<string, string> TokenRequest(string secret, string buyer) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = ClientId,
        ["client_secret"] = secret,
        ["buyer"] = buyer,
    };
}
