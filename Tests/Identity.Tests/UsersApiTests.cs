using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>An administrator grants and revokes roles through the API; nobody else can.</summary>
[Collection(IdentityCollection.Name)]
public sealed class UsersApiTests(IdentityFixture fixture)
{
    private const string Password = "a long passphrase of mine";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_administrator_grants_a_role_that_the_next_token_carries_and_revokes_it_again()
    {
        using var person = Browser.At(fixture, "198.51.100.121");
        var name = $"grantee-{Guid.NewGuid():N}"[..24];
        Assert.Equal(HttpStatusCode.Redirect, (await person.SignUpAsync(name, Password)).StatusCode);
        using var admin = await ClientAsync("admin");

        Assert.Equal(["buyer"], await RolesAsync(await admin.GetAsync($"/api/identity/users/{name}", Ct)));
        Assert.Equal(["buyer", "catalog-admin"], await RolesAsync(await admin.PutAsync($"/api/identity/users/{name}/roles/catalog-admin", null, Ct)));
        Assert.Equal(["buyer", "catalog-admin"], await RolesAsync(await admin.PutAsync($"/api/identity/users/{name}/roles/catalog-admin", null, Ct))); // again: the same
        Assert.Equal(["buyer", "catalog-admin"], await TokenRolesAsync(person, name));

        Assert.Equal(["buyer"], await RolesAsync(await admin.DeleteAsync($"/api/identity/users/{name}/roles/catalog-admin", Ct)));
        Assert.Equal(["buyer"], await TokenRolesAsync(person, name));
    }

    [Fact]
    public async Task Unknown_users_and_roles_are_404_problems_and_an_administrator_cannot_drop_their_own_role()
    {
        using var admin = await ClientAsync("admin");

        await AssertProblemAsync(HttpStatusCode.NotFound, await admin.GetAsync("/api/identity/users/nobody-at-all", Ct));
        await AssertProblemAsync(HttpStatusCode.NotFound, await admin.PutAsync("/api/identity/users/bob/roles/superuser", null, Ct));
        await AssertProblemAsync(HttpStatusCode.Conflict, await admin.DeleteAsync("/api/identity/users/admin/roles/administrator", Ct));
        Assert.Contains("administrator", await RolesAsync(await admin.GetAsync("/api/identity/users/admin", Ct)));
    }

    [Fact]
    public async Task A_buyer_is_forbidden_and_a_caller_without_a_token_unauthorized()
    {
        using var buyer = await ClientAsync("alice");
        using var anonymous = fixture.Identity;

        using var forbidden = await buyer.PutAsync("/api/identity/users/alice/roles/administrator", null, Ct);
        using var unauthorized = await anonymous.GetAsync("/api/identity/users/alice", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.DoesNotContain("administrator", await RolesAsync(await (await ClientAsync("admin")).GetAsync("/api/identity/users/alice", Ct)));
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var (status, token) = await fixture.TokenAsync(("grant_type", "password"), ("client_id", "platform-dev"), ("username", user),
            ("password", await fixture.App.ParameterValueAsync($"{user}-password", Ct)));
        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());
        var client = fixture.Identity;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token["access_token"]!);
        return client;
    }

    private static async Task<string[]> RolesAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            return [.. (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["roles"]!.AsArray().Select(r => (string)r!)];
        }
    }

    private static async Task<string[]> TokenRolesAsync(Browser person, string name)
    {
        var (status, token) = await person.PasswordGrantAsync(name, Password);
        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());
        return [.. new JsonWebToken((string)token["access_token"]!).Claims.Where(c => c.Type == "role").Select(c => c.Value).Order(StringComparer.Ordinal)];
    }

    private static async Task AssertProblemAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == expected, $"expected {expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
