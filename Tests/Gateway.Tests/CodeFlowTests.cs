namespace Platform.Gateway.Tests;

/// <summary>Buyers sign in as real clients do: the authorization code flow with PKCE, through the gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CodeFlowTests(GatewayFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string RedirectUri => fixture.App.Instances("identity")[0].Snapshot.EnvironmentVariables
        .Single(v => v.Name == "Identity__PublicClients__api-reference__RedirectUris").Value!;

    private CodeFlow Browser() => new(fixture.Gateway().BaseAddress!, "api-reference", RedirectUri);

    [Fact]
    public async Task A_buyer_signs_in_through_the_gateway_and_the_token_is_theirs()
    {
        using var browser = Browser();
        var (code, verifier) = await browser.AuthorizeAsync("alice", await fixture.App.ParameterValueAsync("alice-password", Ct), Ct);
        Assert.Equal(fixture.Gateway().BaseAddress!.Authority, browser.LoginPage!.Authority); // the login page is behind the one door too

        var (status, body) = await browser.RedeemAsync(code, verifier, Ct);
        Assert.Equal(HttpStatusCode.OK, status);
        var token = (string)body["access_token"]!;
        Assert.NotNull(body["refresh_token"]);
        Assert.Equal(PlatformApp.Subject(fixture.AliceToken), PlatformApp.Subject(token));
        using var gateway = fixture.Gateway(token);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/orders", Ct)).StatusCode);

        // a code is good once
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.RedeemAsync(code, verifier, Ct)).Status);
    }

    [Fact]
    public async Task A_code_is_refused_without_the_verifier_it_was_issued_for()
    {
        using var browser = Browser();
        var (code, _) = await browser.AuthorizeAsync("bob", await fixture.App.ParameterValueAsync("bob-password", Ct), Ct);
        var (status, body) = await browser.RedeemAsync(code, "not-the-verifier-not-the-verifier-not-the-verifier", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
    }

    [Fact]
    public async Task A_wrong_password_stays_on_the_login_page_and_an_unregistered_redirect_gets_no_code()
    {
        using var browser = Browser();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => browser.AuthorizeAsync("alice", "wrong-password-000", Ct));
        Assert.Contains("answered 400", refused.Message, StringComparison.Ordinal);

        using var elsewhere = new CodeFlow(fixture.Gateway().BaseAddress!, "api-reference", "https://attacker.example/callback");
        var noCode = await Assert.ThrowsAsync<InvalidOperationException>(() => elsewhere.AuthorizeAsync("alice", "irrelevant", Ct));
        Assert.Contains("answered 400", noCode.Message, StringComparison.Ordinal);
    }
}
