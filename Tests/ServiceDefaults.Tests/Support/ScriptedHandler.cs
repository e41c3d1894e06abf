using System.Collections.Concurrent;
using System.Net;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>A primary handler that plays a script of outcomes, one per attempt, and records what it was sent.</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _otherwise =
        (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Completes when the first attempt reaches this handler.</summary>
    public Task FirstRequest => _firstRequest.Task;

    public int Attempts => _requests.Count;

    public ScriptedHandler Then(HttpStatusCode status, Action<HttpResponseMessage>? configure = null)
    {
        _script.Enqueue((_, _) => Task.FromResult(Respond(status, configure)));
        return this;
    }

    public ScriptedHandler ThenThrow(Exception exception)
    {
        _script.Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));
        return this;
    }

    /// <summary>Never answers; only cancellation (a timeout) ends the attempt.</summary>
    public ScriptedHandler ThenHang()
    {
        _script.Enqueue(async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    public ScriptedHandler Otherwise(HttpStatusCode status)
    {
        _otherwise = (_, _) => Task.FromResult(Respond(status, null));
        return this;
    }

    public ScriptedHandler OtherwiseHang()
    {
        _otherwise = async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        };
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Copied out the way SocketsHttpHandler sends it (ReadAsStringAsync would buffer the content and so hide
        // that a one-shot stream cannot be sent a second time).
        string? body = null;
        if (request.Content is not null)
        {
            using var copy = new MemoryStream();
            await request.Content.CopyToAsync(copy, cancellationToken);
            body = System.Text.Encoding.UTF8.GetString(copy.ToArray());
        }

        _requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, body));
        _firstRequest.TrySetResult();
        var step = _script.TryDequeue(out var next) ? next : _otherwise;
        var response = await step(request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, Action<HttpResponseMessage>? configure)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(((int)status).ToString()) };
        configure?.Invoke(response);
        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body);
