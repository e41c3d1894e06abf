using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>
/// A person's account from the outside: sign up, change the password, sign out everywhere. Each test is a browser at an
/// address no other test uses (sign-up is throttled per address for the life of the in-memory service).
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class AccountTests(IdentityFixture fixture)
{
    private const string Password = "a long passphrase of mine";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_who_signs_up_is_a_buyer_signed_in_at_once_and_sent_back_where_they_came_from()
    {
        using var browser = Browser.At(fixture, "198.51.100.41");
        var name = NewName();

        using var signedUp = await browser.SignUpAsync(name, Password, returnUrl: "/connect/authorize?client_id=x");

        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        Assert.Equal("/connect/authorize?client_id=x", signedUp.Headers.Location?.OriginalString);
        Assert.Contains($"Signed in as <strong>{name}</strong>", await browser.Client.GetStringAsync("/account/manage", Ct), StringComparison.Ordinal);
        var (status, token) = await browser.PasswordGrantAsync(name, Password);
        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());
        var claims = new JsonWebToken((string)token["access_token"]!);
        Assert.Equal(["buyer"], claims.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.True((await fixture.ValidateAsync((string)token["access_token"]!)).IsValid);
    }

    [Theory]
    [InlineData(51, "bob", Password, "That user name is taken.")]
    [InlineData(52, "ab", Password, "3 to 64 characters")]
    [InlineData(53, "new person", Password, "invalid")] // Identity's own rule on characters
    [InlineData(54, "newcomer-1", "short-one", "at least 12 characters")]
    [InlineData(55, "newcomer-2", "aaaaaaaaaaaaaaaa", "different characters")]
    [InlineData(56, "newcomer-3", "newcomer-3-and-some-more", "must not contain the user name")]
    public async Task A_sign_up_that_breaks_a_rule_is_refused_with_the_reason_and_makes_no_account(int host, string name, string password, string reason)
    {
        using var browser = Browser.At(fixture, $"198.51.100.{host}");

        using var refused = await browser.SignUpAsync(name, password);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(reason, await refused.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        if (name != "bob")
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PasswordGrantAsync(name, password)).Status);
        }
    }

    [Fact]
    public async Task Sign_up_is_throttled_per_address_and_another_address_is_not()
    {
        using var busy = Browser.At(fixture, "203.0.113.41");
        for (var i = 0; i < 10; i++)
        {
            using var attempt = await busy.SignUpAsync("ab", Password); // refused, and counted all the same
            Assert.Equal(HttpStatusCode.BadRequest, attempt.StatusCode);
        }

        using var throttled = await busy.SignUpAsync(NewName(), Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {throttled.Headers.RetryAfter}");

        using var elsewhere = Browser.At(fixture, "203.0.113.42");
        using var created = await elsewhere.SignUpAsync(NewName(), Password);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_every_other_session_and_refresh_token_and_keeps_this_one()
    {
        var name = NewName();
        using var here = Browser.At(fixture, "198.51.100.101");
        using var there = Browser.At(fixture, "198.51.100.102");
        Assert.Equal(HttpStatusCode.Redirect, (await here.SignUpAsync(name, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await there.SignInAsync(name, Password)).StatusCode);
        var refresh = (string)(await there.PasswordGrantAsync(name, Password)).Body["refresh_token"]!;

        const string NewPassword = "another long passphrase";
        using var changed = await here.SubmitAsync("/account/manage", "/account/password", ("currentPassword", Password), ("newPassword", NewPassword));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("Your password was changed", await changed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using (var stillHere = await here.Client.GetAsync("/account/manage", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, stillHere.StatusCode);
        }

        using (var goneThere = await there.Client.GetAsync("/account/manage", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, goneThere.StatusCode);
            Assert.StartsWith("/account/login", goneThere.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        var (refreshed, error) = await there.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        Assert.Equal("invalid_grant", (string?)error["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await there.PasswordGrantAsync(name, Password)).Status);
        Assert.Equal(HttpStatusCode.OK, (await there.PasswordGrantAsync(name, NewPassword)).Status);
    }

    [Fact]
    public async Task A_wrong_current_password_changes_nothing()
    {
        var name = NewName();
        using var browser = Browser.At(fixture, "198.51.100.103");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignUpAsync(name, Password)).StatusCode);

        using var refused = await browser.SubmitAsync("/account/manage", "/account/password", ("currentPassword", "not my passphrase"), ("newPassword", "another long passphrase"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("current password is wrong", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.PasswordGrantAsync(name, Password)).Status);
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_this_session_every_other_and_every_refresh_token()
    {
        var name = NewName();
        using var here = Browser.At(fixture, "198.51.100.104");
        using var there = Browser.At(fixture, "198.51.100.105");
        Assert.Equal(HttpStatusCode.Redirect, (await here.SignUpAsync(name, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await there.SignInAsync(name, Password)).StatusCode);
        var refresh = (string)(await there.PasswordGrantAsync(name, Password)).Body["refresh_token"]!;

        using var signedOut = await here.SubmitAsync("/account/manage", "/account/signout-everywhere");

        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        foreach (var browser in new[] { here, there })
        {
            using var manage = await browser.Client.GetAsync("/account/manage", Ct);
            Assert.Equal(HttpStatusCode.Redirect, manage.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await there.RefreshAsync(refresh)).Status);
        Assert.Equal(HttpStatusCode.OK, (await there.PasswordGrantAsync(name, Password)).Status); // the password still works
    }

    private static string NewName() => $"shopper-{Guid.NewGuid():N}"[..24];
}
