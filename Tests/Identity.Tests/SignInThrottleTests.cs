using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Infrastructure;
using Platform.Identity.Options;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>
/// Wrong passwords slow the guesser down and leave the owner alone: the login page and the password grant, each caller
/// at an address of its own (set on the connection, as Kestrel would, so no forwarded header is involved). Each test
/// uses addresses no other test uses: the throttle lives as long as the in-memory service.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed partial class SignInThrottleTests(IdentityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_wrong_passwords_from_one_address_neither_stop_the_owner_elsewhere_nor_their_refresh_token()
    {
        var password = await fixture.App.ParameterValueAsync("alice-password", Ct);
        using var owner = From("198.51.100.31");
        using var guesser = From("203.0.113.31");
        var (_, before) = await TokenAsync(owner, ("grant_type", "password"), ("client_id", "platform-dev"), ("username", "alice"), ("password", password), ("scope", "offline_access"));

        for (var i = 0; i < 10; i++)
        {
            using var page = await LoginAsync(guesser, "alice", $"not-alices-{i}");
            Assert.True(page.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, $"wrong password {i + 1}: {(int)page.StatusCode}");
            var (status, error) = await TokenAsync(guesser, ("grant_type", "password"), ("client_id", "platform-dev"), ("username", "alice"), ("password", $"not-alices-{i}"));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_grant", (string?)error["error"]);
        }

        using var signedIn = await LoginAsync(owner, "alice", password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var (granted, token) = await TokenAsync(owner, ("grant_type", "password"), ("client_id", "platform-dev"), ("username", "alice"), ("password", password));
        Assert.True(granted == HttpStatusCode.OK, token.ToJsonString());
        var (refreshed, renewed) = await TokenAsync(owner, ("grant_type", "refresh_token"), ("client_id", "platform-dev"), ("refresh_token", (string)before["refresh_token"]!));
        Assert.True(refreshed == HttpStatusCode.OK, renewed.ToJsonString());
    }

    [Fact]
    public async Task After_five_wrong_passwords_the_pair_is_told_to_wait_even_with_the_right_one_and_the_owner_elsewhere_is_not()
    {
        var password = await fixture.App.ParameterValueAsync("bob-password", Ct);
        using var guesser = From("203.0.113.32");
        using var owner = From("198.51.100.32");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await LoginAsync(guesser, "bob", $"not-bobs-{i}");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("user name or password is wrong", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var throttled = await LoginAsync(guesser, "BOB", password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("Too many failed sign-ins", await throttled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {throttled.Headers.RetryAfter}");
        var (status, error) = await TokenAsync(guesser, ("grant_type", "password"), ("client_id", "platform-dev"), ("username", "bob"), ("password", password));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)error["error"]);
        Assert.Contains("too many", (string?)error["error_description"], StringComparison.OrdinalIgnoreCase);

        using var signedIn = await LoginAsync(owner, "bob", password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var (granted, token) = await TokenAsync(owner, ("grant_type", "password"), ("client_id", "platform-dev"), ("username", "bob"), ("password", password));
        Assert.True(granted == HttpStatusCode.OK, token.ToJsonString());
    }

    [Fact]
    public async Task An_unknown_name_costs_one_hash_check_as_a_known_one_does_and_a_throttled_attempt_none()
    {
        var service = fixture.App.InMemoryInstances("identity")[0].Services;
        await using var scope = service.CreateAsyncScope();
        var hasher = new CountingHasher(scope.ServiceProvider.GetRequiredService<IPasswordHasher<IdentityUser>>());
        // the service's own account lookup, against its database, checking passwords with the counting hasher
        var users = ActivatorUtilities.CreateInstance<UserManager<IdentityUser>>(scope.ServiceProvider, hasher);
        var passwords = ActivatorUtilities.CreateInstance<PasswordSignIn>(scope.ServiceProvider, users, hasher,
            new SignInThrottle(SignInThrottleSettings.Default, TimeProvider.System));
        var client = IPAddress.Parse("203.0.113.33");

        var unknown = await passwords.CheckAsync($"nobody-{Guid.NewGuid():N}", "whatever-it-is", client);
        Assert.Equal((PasswordCheck.Failed, 1), (unknown, hasher.Verifications));

        var known = await passwords.CheckAsync("alice", "not-alices-password", client);
        Assert.Equal((PasswordCheck.Failed, 2), (known, hasher.Verifications));

        for (var i = 0; i < 4; i++)
        {
            await passwords.CheckAsync("alice", "not-alices-password", client);
        }

        var throttled = await passwords.CheckAsync("alice", await fixture.App.ParameterValueAsync("alice-password", Ct), client);
        Assert.True(throttled.IsThrottled);
        Assert.Equal(6, hasher.Verifications);
    }

    /// <summary>A client whose requests come from <paramref name="address"/>, keeping cookies as a browser does.</summary>
    private HttpClient From(string address)
    {
        var server = (TestServer)fixture.App.InMemoryInstances("identity")[0].Services.GetRequiredService<IServer>();
        var connection = server.CreateHandler(http => http.Connection.RemoteIpAddress = IPAddress.Parse(address));
        return new HttpClient(new CookieContainerHandler { InnerHandler = connection }) { BaseAddress = server.BaseAddress };
    }

    /// <summary>The browser's two steps: the page (its antiforgery cookie and field), then the form.</summary>
    private static async Task<HttpResponseMessage> LoginAsync(HttpClient browser, string user, string password)
    {
        var page = await browser.GetStringAsync("/account/login", Ct);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value),
            ["returnUrl"] = "/",
            ["username"] = user,
            ["password"] = password,
        });
        return await browser.PostAsync("/account/login", form, Ct);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(HttpClient client, params (string Name, string Value)[] form)
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed class CountingHasher(IPasswordHasher<IdentityUser> inner) : IPasswordHasher<IdentityUser>
    {
        private int _verifications;

        public int Verifications => _verifications;

        public string HashPassword(IdentityUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
