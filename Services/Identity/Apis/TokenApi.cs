using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Platform.Identity.Infrastructure;

namespace Platform.Identity.Apis;

/// <summary>
/// The token endpoint's decisions. OpenIddict has already checked the client, its grant and scopes; this says who the
/// token is for: a service (client credentials), a user by password (Development only), or the user an authorization
/// code or a refresh token names, read again so that a removed user or role stops at the next refresh.
/// </summary>
public static class TokenApi
{
    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", ExchangeAsync).ExcludeFromDescription();
        return app;
    }

    internal static async Task<Results<SignInHttpResult, ForbidHttpResult>> ExchangeAsync(
        HttpContext http, IOpenIddictApplicationManager applications, UserManager<IdentityUser> users, PasswordSignIn passwords,
        IdentitySettings settings, CancellationToken cancellationToken)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The token endpoint was reached without OpenIddict's request: is UseAuthentication missing?");

        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
                ?? throw new InvalidOperationException("OpenIddict authenticated a client it cannot find.");
            if ((string?)request.GetParameter("buyer") is { } buyer)
            {
                return settings.Clients.Any(c => c.ClientId == request.ClientId && c.ActsForBuyers) && buyer.Length is > 0 and <= 64
                    ? SignIn(SimulatedBuyer(request.ClientId!, buyer), [])
                    : Refuse("This client cannot act for buyers.");
            }

            var service = NewIdentity();
            service.SetClaim(Claims.Subject, request.ClientId).SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, cancellationToken));
            return SignIn(service, request.GetScopes());
        }

        if (request.IsPasswordGrantType())
        {
            // the login page's check, throttle included: one rule for both doors
            var check = await passwords.CheckAsync(request.Username, request.Password, http.Connection.RemoteIpAddress);
            if (check.IsThrottled)
            {
                RetryAfterHeader.Set(http.Response, check.RetryAfter.GetValueOrDefault());
                return Refuse("Too many failed sign-ins for this user from this address: try again later.");
            }

            return check.User is { } user
                ? SignIn(await UserIdentityAsync(users, user), request.GetScopes())
                : Refuse("The user name or password is wrong, or the account is locked.");
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // OpenIddict has checked the code (single use, this client, this redirect, the PKCE verifier) or the refresh token;
            // the sign-in throttle has no say here, so nobody's wrong passwords stop an owner's session
            var stored = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = stored.Principal?.GetClaim(Claims.Subject) is { } subject ? await users.FindByIdAsync(subject) : null;
            if (user is null || await users.IsLockedOutAsync(user))
            {
                return Refuse("The user no longer exists or is locked.");
            }

            return SignIn(await UserIdentityAsync(users, user), stored.Principal!.GetScopes());
        }

        return TypedResults.Forbid(Problem(Errors.UnsupportedGrantType, "This grant type is not supported."), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    private static ClaimsIdentity SimulatedBuyer(string clientId, string buyer)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, $"{clientId}:{buyer}").SetClaim(Claims.Name, $"{clientId}:{buyer}");
        identity.SetClaims(Claims.Role, [PlatformAccess.BuyerRole]);
        return identity;
    }

    internal static async Task<ClaimsIdentity> UserIdentityAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id).SetClaim(Claims.Name, user.UserName);
        identity.SetClaims(Claims.Role, [.. await users.GetRolesAsync(user)]);
        return identity;
    }

    internal static SignInHttpResult SignIn(ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        identity.SetScopes(scopes);
        identity.SetResources(TokenValidationExtensions.Audience);
        // everything this server puts in the principal is for the access token; nothing goes to an identity token
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ForbidHttpResult Refuse(string description) =>
        TypedResults.Forbid(Problem(Errors.InvalidGrant, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static AuthenticationProperties Problem(string error, string description) => new(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    });
}
