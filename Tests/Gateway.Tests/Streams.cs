namespace Platform.Gateway.Tests;

/// <summary>A notification stream read through the gateway, as a browser's EventSource would.</summary>
public sealed class Streams(HttpClient client, HttpResponseMessage response, StreamReader reader) : IDisposable
{
    public HttpResponseMessage Response => response;

    public StreamReader Reader => reader;

    /// <summary>Opens the stream; asserts it is an event stream that said ": connected". A stream another test just
    /// closed may still hold its buyer's lease (429) or its replica's slot (503) for a moment: those are waited out.</summary>
    public static async Task<Streams> OpenAsync(HttpClient client, CancellationToken ct)
    {
        var stream = await OpenWaitingOutAsync(client, [HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable], ct);
        Assert.True(stream.Response.IsSuccessStatusCode, $"stream refused: {(int)stream.Response.StatusCode}");
        return stream;
    }

    /// <summary>Opens the stream, trying again for up to 30 s while it is refused with one of <paramref name="waitOut"/>;
    /// returns the first other answer, or the last refusal.</summary>
    public static async Task<Streams> OpenWaitingOutAsync(HttpClient client, HttpStatusCode[] waitOut, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var stream = await TryOpenAsync(client, ct);
            if (!waitOut.Contains(stream.Response.StatusCode) || DateTime.UtcNow > deadline)
            {
                return stream;
            }

            stream.Response.Dispose();
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Opens the stream, or returns the refusal (its body unread).</summary>
    public static async Task<Streams> TryOpenAsync(HttpClient client, CancellationToken ct)
    {
        if (client.Timeout != Timeout.InfiniteTimeSpan)
        {
            client.Timeout = Timeout.InfiniteTimeSpan; // before the first request only: OpenAsync may try again
        }

        var response = await client.GetAsync("/api/notifications/stream", HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            return new Streams(client, response, StreamReader.Null);
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.Equal(": connected", await reader.ReadLineAsync(ct));
        return new Streams(client, response, reader);
    }

    /// <summary>The next notification's data, skipping keep-alives.</summary>
    public static async Task<JsonNode> NextNotificationAsync(Streams stream, TimeSpan patience, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(patience);
        while (await stream.Reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonNode.Parse(line["data: ".Length..])!;
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
        client.Dispose();
    }
}
