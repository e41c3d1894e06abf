using System.Collections.Concurrent;
using System.Text.Json;

namespace OrderBench;

/// <summary>What one buyer heard about one order: when each notification reached the stream, and when the
/// notification service created it (its consumer's clock, the same machine's).</summary>
public sealed class OrderNotifications
{
    private readonly TaskCompletionSource<Heard> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Heard? Received { get; private set; }

    /// <summary>OrderConfirmed or OrderCancelled, whichever comes first.</summary>
    public Task<Heard> Final => _final.Task;

    internal void Add(Heard heard)
    {
        if (heard.Kind == "OrderReceived")
        {
            // a notification may be published twice (a retry after a failed commit): the first one counts
            Received ??= heard;
        }
        else if (heard.Kind is "OrderConfirmed" or "OrderCancelled")
        {
            _final.TrySetResult(heard);
        }
    }

    internal void Fail(Exception error) => _final.TrySetException(error);
}

public sealed record Heard(string Kind, string Message, DateTime At, DateTime CreatedAt);

/// <summary>
/// One buyer's Server-Sent Events stream (GET /api/notifications/stream with the buyer's token), read for the whole run. Frames are
/// "id: ...\nevent: notification\ndata: {json}\n\n"; a notification may arrive before the POST that caused it has
/// answered, so events are filed by order id whether or not the buyer is waiting for that order yet.
/// </summary>
public sealed class BuyerStream : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, OrderNotifications> _orders = new();
    private readonly CancellationTokenSource _stop = new();
    private HttpResponseMessage? _response;
    private Task? _reader;
    private volatile Exception? _ended;

    public static async Task<BuyerStream> OpenAsync(HttpClient http, string buyer, CancellationToken cancellationToken)
    {
        var stream = new BuyerStream();
        stream._response = await http.GetAsync("/api/notifications/stream", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        stream._response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await stream._response.Content.ReadAsStreamAsync(cancellationToken));
        // the service subscribes to the buyer's channel before it writes ": connected": after it, nothing is missed
        var first = await reader.ReadLineAsync(cancellationToken);
        if (first != ": connected")
        {
            throw new InvalidOperationException($"The notification stream for {buyer} began with '{first}', not ': connected'.");
        }

        stream._reader = Task.Run(() => stream.ReadAsync(reader));
        return stream;
    }

    /// <summary>The notifications of <paramref name="orderId"/>; call <see cref="Forget"/> once done with them.</summary>
    public OrderNotifications For(Guid orderId)
    {
        var notifications = _orders.GetOrAdd(orderId, _ => new OrderNotifications());
        if (_ended is { } ended)
        {
            notifications.Fail(ended);
        }

        return notifications;
    }

    public void Forget(Guid orderId) => _orders.TryRemove(orderId, out _);

    private async Task ReadAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var at = DateTime.UtcNow;
                using var json = JsonDocument.Parse(line.AsMemory("data: ".Length));
                var root = json.RootElement;
                var orderId = root.GetProperty("orderId").GetGuid();
                var heard = new Heard(root.GetProperty("kind").GetString()!, root.GetProperty("message").GetString()!, at,
                    root.GetProperty("createdAt").GetDateTimeOffset().UtcDateTime);
                _orders.GetOrAdd(orderId, _ => new OrderNotifications()).Add(heard);
            }

            End(new InvalidOperationException("The notification stream ended."));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            End(new OperationCanceledException("The notification stream was closed."));
        }
        catch (Exception ex)
        {
            End(new InvalidOperationException("The notification stream failed.", ex));
        }
    }

    private void End(Exception error)
    {
        _ended = error;
        foreach (var notifications in _orders.Values)
        {
            notifications.Fail(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reader is not null)
        {
            await _reader;
        }

        _response?.Dispose();
        _stop.Dispose();
    }
}
