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
    public async Task A_newcomer_signs_up_through_the_gateway_and_buys()
    {
        using var browser = Browser();
        var name = $"newcomer-{Guid.NewGuid():N}"[..24];
        var (code, verifier) = await browser.SignUpAndAuthorizeAsync(name, "a long passphrase of mine", Ct);

        var (status, body) = await browser.RedeemAsync(code, verifier, Ct);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        using var buyer = fixture.Gateway((string)body["access_token"]!);
        using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { lines = new[] { new { productId = 1, quantity = 1 } } }) };
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var placed = await buyer.SendAsync(order, Ct);
        Assert.True(placed.StatusCode == HttpStatusCode.Created, await placed.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Roles_are_granted_through_the_gateway_by_an_administrator_only()
    {
        using var admin = fixture.Gateway(fixture.AdminToken);
        using var buyer = fixture.Gateway(fixture.AliceToken);

        using var read = await admin.GetAsync("/api/identity/users/bob", Ct);
        Assert.True(read.StatusCode == HttpStatusCode.OK, await read.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["buyer"], (await read.Content.ReadFromJsonAsync<JsonObject>(Ct))!["roles"]!.AsArray().Select(r => (string?)r));
        using var refused = await buyer.PutAsync("/api/identity/users/alice/roles/administrator", null, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
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
