using System.Net;

namespace Platform.Dashboard.Tests;

/// <summary>Nothing of the dashboard without the run's browser token; the token buys an HttpOnly, SameSite=Strict cookie.</summary>
public sealed class DashboardAuthTests(StandaloneDashboard dashboard) : IClassFixture<StandaloneDashboard>
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = dashboard.Server.BaseAddress,
    };

    [Theory]
    [InlineData("/")]
    [InlineData("/traces")]
    [InlineData("/api/resources")]
    [InlineData("/api/logs")]
    [InlineData("/assets/common.js")]
    public async Task Without_the_cookie_every_page_and_api_is_refused(string path)
    {
        using var response = await _http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/login?t=")]
    [InlineData("/login?t=wrong")]
    public async Task A_wrong_or_missing_token_is_refused_and_sets_no_cookie(string path)
    {
        using var response = await _http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_forged_cookie_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/resources");
        request.Headers.Add("Cookie", $"platform_dashboard={dashboard.Settings.BrowserToken}");
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_login_url_sets_an_http_only_strict_cookie_that_opens_pages_and_api()
    {
        Assert.StartsWith($"http://127.0.0.1:{dashboard.Settings.Port}/login?t=", dashboard.Server.LoginUrl);
        var cookie = await LoginAsync();

        foreach (var path in new[] { "/", "/console", "/structured", "/traces", "/traces/0123", "/metrics", "/api/resources", "/api/logs", "/api/traces", "/assets/dashboard.css" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_command_needs_the_command_header_and_an_existing_resource()
    {
        var cookie = await LoginAsync();

        using var withoutHeader = new HttpRequestMessage(HttpMethod.Post, "/api/resources/cache/stop");
        withoutHeader.Headers.Add("Cookie", cookie);
        using var refused = await _http.SendAsync(withoutHeader, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/api/resources/no-such-resource/stop");
        unknown.Headers.Add("Cookie", cookie);
        unknown.Headers.Add("X-Dashboard-Command", "1");
        using var notFound = await _http.SendAsync(unknown, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);

        using var badCommand = new HttpRequestMessage(HttpMethod.Post, "/api/resources/cache/explode");
        badCommand.Headers.Add("Cookie", cookie);
        badCommand.Headers.Add("X-Dashboard-Command", "1");
        using var badRequest = await _http.SendAsync(badCommand, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
    }

    private async Task<string> LoginAsync()
    {
        using var response = await _http.GetAsync(new Uri(dashboard.Server.LoginUrl).PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(dashboard.Settings.BrowserToken, setCookie, StringComparison.Ordinal);
        return setCookie.Split(';')[0];
    }
}
