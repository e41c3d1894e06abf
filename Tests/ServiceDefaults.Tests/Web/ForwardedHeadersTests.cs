using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Tests.Support;
using Platform.ServiceDefaults.Web;

namespace Platform.ServiceDefaults.Tests.Web;

public sealed class ForwardedHeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_trusted_network_X_Forwarded_For_is_ignored_even_from_loopback()
    {
        Assert.Equal("127.0.0.1", await ClientAddressSeenAsync(new Dictionary<string, string?>()));
    }

    [Fact]
    public async Task From_a_trusted_network_the_forwarded_client_address_is_used()
    {
        Assert.Equal("203.0.113.7", await ClientAddressSeenAsync(new Dictionary<string, string?> { [ForwardedHeadersDefaults.KnownNetworksKey] = "127.0.0.0/8" }));
    }

    [Fact]
    public async Task A_trusted_network_that_is_not_the_callers_changes_nothing()
    {
        Assert.Equal("127.0.0.1", await ClientAddressSeenAsync(new Dictionary<string, string?> { [ForwardedHeadersDefaults.KnownNetworksKey] = "10.0.0.0/8" }));
    }

    private static async Task<string> ClientAddressSeenAsync(Dictionary<string, string?> settings)
    {
        await using var app = await LoopbackApp.StartAsync("catalog",
            app => app.MapGet("/whoami", (HttpContext http) => http.Connection.RemoteIpAddress!.ToString()), settings);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await client.SendAsync(request, Ct);
        return (await response.Content.ReadAsStringAsync(Ct)).Trim('"');
    }
}
