using System.Text;
using Microsoft.AspNetCore.Http;

namespace Platform.Idempotency;

/// <summary>The parts of a response that a replay reproduces: status, the configured headers, body.</summary>
internal sealed record StoredResponse(int StatusCode, string Headers, byte[] Body)
{
    /// <summary>Headers as <c>name:value</c> lines (header values cannot contain newlines).</summary>
    public static string EncodeHeaders(IHeaderDictionary headers, ISet<string> replayed)
    {
        var text = new StringBuilder();
        foreach (var (name, values) in headers)
        {
            if (!replayed.Contains(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                text.Append(name).Append(':').Append(value).Append('\n');
            }
        }

        return text.ToString();
    }

    public async Task WriteToAsync(HttpResponse response, string replayedHeaderName, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCode;
        foreach (var line in Headers.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                response.Headers.Append(line[..colon], line[(colon + 1)..]);
            }
        }

        response.Headers[replayedHeaderName] = "true";
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, cancellationToken).ConfigureAwait(false);
    }
}
