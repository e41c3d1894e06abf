namespace Platform.Identity.Options;

/// <summary>
/// An application a person signs in to (<c>PublicClients:{id}:RedirectUris</c>): the authorization code flow with PKCE,
/// no secret (it could not keep one), codes sent only to these exact addresses.
/// </summary>
public sealed record PublicClient(string ClientId, IReadOnlyList<Uri> RedirectUris);
