using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>The login page's form: after a good password the browser goes back where it came from, if that is this site.</summary>
[Collection(IdentityCollection.Name)]
public sealed partial class SignInTests(IdentityFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/\t/evil.example/")] // a browser drops the tab and lands on //evil.example
    [InlineData("/\r\n/evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/connect/authorize\r\nSet-Cookie: planted=1")]
    public async Task A_return_address_off_the_site_or_with_control_characters_sends_the_user_to_the_start_page(string returnUrl)
    {
        using var response = await SignInAsync(returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_local_return_address_with_other_than_ascii_characters_is_followed_percent_encoded()
    {
        using var response = await SignInAsync("/connect/authorize?state=café");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/connect/authorize?state=caf%C3%A9", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_nul_in_the_user_name_is_a_400_problem_never_a_server_error()
    {
        using var response = await SignInAsync("/", user: "bo\0b");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The browser's two steps: the page (its antiforgery cookie and field), then the form with a good password.</summary>
    private async Task<HttpResponseMessage> SignInAsync(string returnUrl, string user = "bob")
    {
        var password = await fixture.App.ParameterValueAsync("bob-password", Ct);
        using var browser = fixture.Identity; // keeps cookies between the two requests
        var page = await browser.GetStringAsync("/account/login", Ct);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value),
            ["returnUrl"] = returnUrl,
            ["username"] = user,
            ["password"] = password,
        });
        return await browser.PostAsync("/account/login", form, Ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
