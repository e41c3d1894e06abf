using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace OrderBench;

/// <summary>What bench/waiting-room.sh needs before it loads the waiting room: tokens for many simulated buyers
/// (the host's load-test client), an administrator, and wrk scripts that rotate over the buyers.</summary>
public static class WaitingRoomSetup
{
    public static HttpClient Client(Uri address, string? token = null, HttpMessageHandler? handler = null)
    {
        var client = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 }, disposeHandler: handler is null)
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    /// <summary>Tokens for buyers <c>{prefix}-0</c>... from the identity service directly (not through the gateway,
    /// whose per-address limit would pace one load generator's sign-ins as one client's).</summary>
    public static async Task<string[]> BuyerTokensAsync(BenchSettings settings, string prefix, int count)
    {
        using var identity = Client(settings.Endpoints["identity"]);
        var secret = settings.ConnectionStrings[$"client:{SimulatedBuyers.ClientId}"];
        var tokens = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var form = new FormUrlEncodedContent(SimulatedBuyers.TokenRequest(secret, $"{prefix}-{i}"));
            using var response = await identity.PostAsync("/connect/token", form, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            tokens[i] = response.IsSuccessStatusCode
                ? (string)JsonNode.Parse(body)!["access_token"]!
                : throw new InvalidOperationException($"token for {prefix}-{i}: {(int)response.StatusCode} {body}");
        });
        return tokens;
    }

    public static async Task<JsonNode> OpenSaleAsync(HttpClient admin, object sale)
    {
        using var response = await admin.PostAsJsonAsync("/api/queue/sales", sale);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Created
            ? JsonNode.Parse(body)!
            : throw new InvalidOperationException($"opening the sale: {(int)response.StatusCode} {body}");
    }

    /// <summary>Sends until the answer is not a 429 or 503 (waiting out Retry-After), as a patient client does.</summary>
    public static async Task<HttpResponseMessage> SendPatientlyAsync(HttpClient client, Func<HttpRequestMessage> request, ConcurrentDictionary<string, int>? refusals = null)
    {
        while (true)
        {
            var response = await client.SendAsync(request());
            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            {
                return response;
            }

            refusals?.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    /// <summary>A wrk script sending <paramref name="method"/> <paramref name="path"/> as each buyer in turn.</summary>
    public static string WrkScript(string method, string path, IReadOnlyList<string> tokens)
    {
        var script = new StringBuilder("local tokens = {\n");
        foreach (var token in tokens)
        {
            script.Append(CultureInfo.InvariantCulture, $"  \"{token}\",\n");
        }

        script.Append(CultureInfo.InvariantCulture, $$"""
            }
            local n = #tokens
            local i = 0
            setup = function(thread) thread:set("offset", math.random(1, n)) end
            init = function() i = tonumber(offset) or 0 end
            request = function()
              i = i % n + 1
              return wrk.format("{{method}}", "{{path}}", { ["Authorization"] = "Bearer " .. tokens[i] })
            end
            """);
        return script.ToString();
    }
}
