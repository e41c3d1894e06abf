using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>
/// A browser at an address of its own (set on the connection, as Kestrel would: no forwarded header involved) that
/// keeps cookies, fills the account pages' forms (their antiforgery field included) and asks the token endpoint.
/// </summary>
internal sealed partial class Browser(HttpClient client) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Client { get; } = client;

    public static Browser At(IdentityFixture fixture, string address)
    {
        var server = (TestServer)fixture.App.InMemoryInstances("identity")[0].Services.GetRequiredService<IServer>();
        var connection = server.CreateHandler(http => http.Connection.RemoteIpAddress = IPAddress.Parse(address));
        return new Browser(new HttpClient(new CookieContainerHandler { InnerHandler = connection }) { BaseAddress = server.BaseAddress });
    }

    /// <summary>Opens <paramref name="page"/> and posts its form at <paramref name="action"/> with <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var html = await Client.GetStringAsync(page, Ct);
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", token), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]);
        return await Client.PostAsync(action, form, Ct);
    }

    public Task<HttpResponseMessage> SignUpAsync(string userName, string password, string returnUrl = "/") =>
        SubmitAsync("/account/register", "/account/register", ("username", userName), ("password", password), ("returnUrl", returnUrl));

    public Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        SubmitAsync("/account/login", "/account/login", ("username", userName), ("password", password), ("returnUrl", "/"));

    public async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(params (string Name, string Value)[] form)
    {
        using var response = await Client.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!);
    }

    /// <summary>The Development client's password grant, with a refresh token.</summary>
    public Task<(HttpStatusCode Status, JsonNode Body)> PasswordGrantAsync(string userName, string password) =>
        TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", userName), ("password", password), ("scope", "offline_access"));

    public Task<(HttpStatusCode Status, JsonNode Body)> RefreshAsync(string refreshToken) =>
        TokenAsync(("grant_type", "refresh_token"), ("client_id", "platform-dev"), ("refresh_token", refreshToken));

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
