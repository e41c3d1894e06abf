using Platform.Testing;

namespace OrderBench;

/// <summary>The bench's people sign in as real buyers do, through the gateway (the host created them and the client).</summary>
public static class SignIn
{
    public static async Task<Dictionary<string, string>> TokensAsync(BenchSettings settings, IEnumerable<string> users)
    {
        var tokens = new Dictionary<string, string>();
        foreach (var user in users)
        {
            using var browser = new CodeFlow(settings.Endpoints["gateway"], "order-bench", settings.ConnectionStrings["client:order-bench"]);
            var (code, verifier) = await browser.AuthorizeAsync(user, settings.ConnectionStrings[$"user:{user}"], CancellationToken.None);
            var (status, body) = await browser.RedeemAsync(code, verifier, CancellationToken.None);
            tokens[user] = status == System.Net.HttpStatusCode.OK
                ? (string)body["access_token"]!
                : throw new InvalidOperationException($"{user} could not sign in: {(int)status} {body.ToJsonString()}");
        }

        return tokens;
    }
}
