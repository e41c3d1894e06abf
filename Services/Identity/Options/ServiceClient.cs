namespace Platform.Identity.Options;

/// <summary>A service that gets tokens for itself (client credentials) with these scopes. A client that
/// <paramref name="ActsForBuyers"/> (a load generator; the AppHost never configures one) may instead ask for a buyer's
/// token with a <c>buyer</c> parameter: its subject is <c>{clientId}:{buyer}</c>, a name no real user can have.</summary>
public sealed record ServiceClient(string ClientId, string Secret, IReadOnlyList<string> Scopes, bool ActsForBuyers = false);
