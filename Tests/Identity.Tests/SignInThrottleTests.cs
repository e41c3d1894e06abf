using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
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
public sealed class SignInThrottleTests(IdentityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_wrong_passwords_from_one_address_neither_stop_the_owner_elsewhere_nor_their_refresh_token()
    {
        var password = await fixture.App.ParameterValueAsync("alice-password", Ct);
        using var owner = Browser.At(fixture, "198.51.100.31");
        using var guesser = Browser.At(fixture, "203.0.113.31");
        var (_, before) = await owner.PasswordGrantAsync("alice", password);

        for (var i = 0; i < 10; i++)
        {
            using var page = await guesser.SignInAsync("alice", $"not-alices-{i}");
            Assert.True(page.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, $"wrong password {i + 1}: {(int)page.StatusCode}");
            var (status, error) = await guesser.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "alice"), ("password", $"not-alices-{i}"));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_grant", (string?)error["error"]);
        }

        using var signedIn = await owner.SignInAsync("alice", password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var (granted, token) = await owner.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "alice"), ("password", password));
        Assert.True(granted == HttpStatusCode.OK, token.ToJsonString());
        var (refreshed, renewed) = await owner.RefreshAsync((string)before["refresh_token"]!);
        Assert.True(refreshed == HttpStatusCode.OK, renewed.ToJsonString());
    }

    [Fact]
    public async Task After_five_wrong_passwords_the_pair_is_told_to_wait_even_with_the_right_one_and_the_owner_elsewhere_is_not()
    {
        var password = await fixture.App.ParameterValueAsync("bob-password", Ct);
        using var guesser = Browser.At(fixture, "203.0.113.32");
        using var owner = Browser.At(fixture, "198.51.100.32");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await guesser.SignInAsync("bob", $"not-bobs-{i}");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("user name or password is wrong", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var throttled = await guesser.SignInAsync("BOB", password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("Too many failed sign-ins", await throttled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {throttled.Headers.RetryAfter}");
        var (status, error) = await guesser.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "bob"), ("password", password));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)error["error"]);
        Assert.Contains("too many", (string?)error["error_description"], StringComparison.OrdinalIgnoreCase);

        using var signedIn = await owner.SignInAsync("bob", password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var (granted, token) = await owner.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "bob"), ("password", password));
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
