using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Platform.Testing;

/// <summary>
/// A person signing in the way a browser does it: the authorization code flow with PKCE through one origin (the
/// gateway): authorize, the login page and its form, back to authorize, the code at the redirect address, the token.
/// Redirects are followed by hand so each step can be checked.
/// </summary>
public sealed partial class CodeFlow(Uri origin, string clientId, string redirectUri) : IDisposable
{
    private readonly HttpClient _browser = new(new PatientHandler(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseProxy = false })) { BaseAddress = origin };

    /// <summary>The login page's address, as the authorization endpoint sent the browser there.</summary>
    public Uri? LoginPage { get; private set; }

    /// <summary>Signs <paramref name="user"/> in and returns an authorization code and the PKCE verifier it was bound to.</summary>
    public Task<(string Code, string Verifier)> AuthorizeAsync(string user, string password, CancellationToken ct) =>
        AuthorizeAsync(user, password, signUp: false, ct);

    /// <summary>As a newcomer does it: from the login page to "create an account", whose form makes the account and
    /// signs it in; then on to the code, as after a sign-in.</summary>
    public Task<(string Code, string Verifier)> SignUpAndAuthorizeAsync(string user, string password, CancellationToken ct) =>
        AuthorizeAsync(user, password, signUp: true, ct);

    private async Task<(string Code, string Verifier)> AuthorizeAsync(string user, string password, bool signUp, CancellationToken ct)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Guid.NewGuid().ToString("N");
        var authorize = "/connect/authorize" + QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = "offline_access",
            ["state"] = state,
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        });

        LoginPage = await RedirectAsync(await _browser.GetAsync(authorize, ct), "the authorization endpoint (to the login page)");
        var formPage = LoginPage;
        var page = await _browser.GetStringAsync(LoginPage, ct);
        if (signUp)
        {
            formPage = new Uri(LoginPage, WebUtility.HtmlDecode(RegisterLink().Match(page).Groups[1].Value));
            page = await _browser.GetStringAsync(formPage, ct);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value),
            ["returnUrl"] = WebUtility.HtmlDecode(ReturnUrlField().Match(page).Groups[1].Value),
            ["username"] = user,
            ["password"] = password,
        });
        var back = await RedirectAsync(await _browser.PostAsync(new Uri(formPage.GetLeftPart(UriPartial.Path)), form, ct), signUp ? "the sign-up form (back to authorize)" : "the login form (back to authorize)");
        var callback = await RedirectAsync(await _browser.GetAsync(back, ct), "the authorization endpoint (to the client)");
        if (!callback.GetLeftPart(UriPartial.Path).Equals(redirectUri, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The code went to {callback}, not to {redirectUri}.");
        }

        var query = Query(callback);
        if (query.GetValueOrDefault("state") != state || query.GetValueOrDefault("code") is not { Length: > 0 } code)
        {
            throw new InvalidOperationException($"The callback {callback} carries no code for this request.");
        }

        return (code, verifier);
    }

    /// <summary>The token endpoint's answer to a code and a verifier: its status and JSON.</summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> RedeemAsync(string code, string verifier, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["code"] = code,
            ["code_verifier"] = verifier,
        });
        using var response = await _browser.PostAsync("/connect/token", form, ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!);
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken ct) => _browser.GetAsync(path, ct);

    public void Dispose() => _browser.Dispose();

    private async Task<Uri> RedirectAsync(HttpResponseMessage response, string step)
    {
        using (response)
        {
            if (response.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.Redirect or HttpStatusCode.SeeOther) || response.Headers.Location is null)
            {
                throw new InvalidOperationException($"{step} answered {(int)response.StatusCode}, not a redirect: {await response.Content.ReadAsStringAsync()}");
            }

            return response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(_browser.BaseAddress!, response.Headers.Location);
        }
    }

    private static Dictionary<string, string> Query(Uri uri) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("href=\"(/account/register[^\"]*)\"")]
    private static partial Regex RegisterLink();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
