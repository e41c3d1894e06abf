using System.Text.Json.Nodes;

namespace Platform.EndToEnd.Tests;

/// <summary>A buyer's live notifications (server-sent events), read as a browser's EventSource would.</summary>
public static class NotificationStream
{
    public static async Task<StreamReader> OpenAsync(HttpClient client, CancellationToken ct)
    {
        var response = await client.GetAsync("/api/notifications/stream", HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        Assert.Equal(": connected", await reader.ReadLineAsync(patience.Token));
        return reader;
    }

    /// <summary>The first event's data that matches, skipping the others and keep-alives.</summary>
    public static async Task<JsonNode> ReadAsync(StreamReader stream, Func<JsonNode, bool> match, TimeSpan patience, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(patience);
        while (await stream.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && JsonNode.Parse(line["data: ".Length..]) is { } data && match(data))
            {
                return data;
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }
}
