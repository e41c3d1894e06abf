using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace Platform.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class TokenTests(IdentityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_gets_a_signed_token_with_its_scope_by_client_credentials()
    {
        var secret = await fixture.App.ParameterValueAsync("order-client-secret", Ct);
        var (status, body) = await fixture.TokenAsync(("grant_type", "client_credentials"), ("client_id", "order"), ("client_secret", secret), ("scope", "catalog.internal"));

        Assert.Equal(HttpStatusCode.OK, status);
        var validation = await fixture.ValidateAsync((string)body["access_token"]!);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("order", token.Subject);
        Assert.Contains("catalog.internal", token.GetClaim("scope").Value.Split(' '));
        Assert.Null(body["refresh_token"]);
    }

    [Fact]
    public async Task A_wrong_client_secret_or_an_unknown_scope_is_refused()
    {
        var secret = await fixture.App.ParameterValueAsync("order-client-secret", Ct);
        var (wrongSecret, error) = await fixture.TokenAsync(("grant_type", "client_credentials"), ("client_id", "order"), ("client_secret", secret + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret);
        Assert.Equal("invalid_client", (string?)error["error"]);

        var (otherScope, scopeError) = await fixture.TokenAsync(("grant_type", "client_credentials"), ("client_id", "order"), ("client_secret", secret), ("scope", "catalog.admin"));
        Assert.Equal(HttpStatusCode.BadRequest, otherScope);
        Assert.Equal("invalid_scope", (string?)scopeError["error"]);
    }

    [Fact]
    public async Task A_demo_buyer_signs_in_by_password_and_renews_with_the_refresh_token()
    {
        var password = await fixture.App.ParameterValueAsync("alice-password", Ct);
        var (status, body) = await fixture.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "alice"), ("password", password), ("scope", "offline_access"));
        Assert.Equal(HttpStatusCode.OK, status);
        var first = (JsonWebToken)(await fixture.ValidateAsync((string)body["access_token"]!)).SecurityToken;
        Assert.Equal("alice", first.GetClaim("name").Value);
        Assert.Equal("buyer", first.GetClaim("role").Value);
        Assert.True(Guid.TryParse(first.Subject, out _), "a buyer's subject is the user's id, not a name the caller chose");

        var (renewed, next) = await fixture.TokenAsync(("grant_type", "refresh_token"), ("client_id", "platform-dev"), ("refresh_token", (string)body["refresh_token"]!));
        Assert.Equal(HttpStatusCode.OK, renewed);
        var second = (JsonWebToken)(await fixture.ValidateAsync((string)next["access_token"]!)).SecurityToken;
        Assert.Equal(first.Subject, second.Subject);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_never_says_which_part_was_wrong()
    {
        var (wrong, error) = await fixture.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "bob"), ("password", "not-bobs-password"));
        var (unknown, unknownError) = await fixture.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", "nobody"), ("password", "whatever"));

        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal("invalid_grant", (string?)error["error"]);
        Assert.Equal((unknown, (string?)unknownError["error_description"]), (wrong, (string?)error["error_description"]));
    }

    [Theory]
    [InlineData("username", "ali\0ce")]
    [InlineData("client_id", "platform-dev\0")]
    [InlineData("password", "\0")]
    public async Task A_nul_in_any_field_is_an_invalid_request_never_a_server_error(string field, string value)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = "platform-dev", ["username"] = "alice", ["password"] = "not-alices" };
        form[field] = value;

        var (status, body) = await fixture.TokenAsync([.. form.Select(f => (f.Key, f.Value))]);

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {body.ToJsonString()}");
        Assert.Equal("invalid_request", (string?)body["error"]);
    }

    [Fact]
    public async Task Tokens_issued_before_a_restart_still_validate_after_it()
    {
        var secret = await fixture.App.ParameterValueAsync("order-client-secret", Ct);
        var (_, before) = await fixture.TokenAsync(("grant_type", "client_credentials"), ("client_id", "order"), ("client_secret", secret));

        await fixture.App.RestartAsync("identity", Ct);
        await fixture.App.WaitForHealthyAsync("identity", TimeSpan.FromMinutes(2), Ct);
        // the health state may still be the old process's for a moment: wait until the new one answers
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await AnswersAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "the identity service did not answer after its restart");
            await Task.Delay(200, Ct);
        }

        // the signing key is read from the database, not made anew at start
        var validation = await fixture.ValidateAsync((string)before["access_token"]!);
        Assert.True(validation.IsValid, validation.Exception?.Message);
    }

    [Fact]
    public async Task A_database_outage_before_the_first_request_neither_breaks_discovery_nor_outlasts_itself()
    {
        var secret = await fixture.App.ParameterValueAsync("order-client-secret", Ct);
        await fixture.App.RestartAsync("identity", Ct); // a process whose server options nothing has built yet
        await fixture.App.StopAsync("postgres", Ct);
        await fixture.App.WaitForStoppedAsync("postgres", Ct);
        try
        {
            // the keys were read at start: the published keys need no database
            using var identity = fixture.Identity;
            using var discovery = await identity.GetAsync("/.well-known/openid-configuration", Ct);
            Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
            using var keys = await identity.GetAsync("/.well-known/jwks", Ct);
            Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        }
        finally
        {
            await fixture.App.StartAsync("postgres", CancellationToken.None);
        }

        await fixture.App.WaitForHealthyAsync("postgres", TimeSpan.FromMinutes(1), Ct);
        // the pool's connections from before the outage fail once each and are dropped: the outage ends, not the service
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        while ((status = (await fixture.TokenAsync(("grant_type", "client_credentials"), ("client_id", "order"), ("client_secret", secret))).Status) != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the token endpoint still answers {status} 30 s after PostgreSQL came back");
            await Task.Delay(200, Ct);
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var identity = fixture.Identity;
            using var response = await identity.GetAsync("/.well-known/openid-configuration", Ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
