using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace OrderBench;

/// <summary>One confirmed order, on the wall clock (UTC) so that it lines up with the services' own timestamps
/// (PostgreSQL's and the notification's, taken on the same machine's clock).</summary>
public sealed record OrderSample(Guid OrderId, DateTime Posted, DateTime Answered, Heard? Received, Heard Confirmed);

public sealed class BenchResults
{
    public ConcurrentQueue<OrderSample> Confirmed { get; } = new();

    /// <summary>Non-201 answers, transport errors, streams that broke, orders never finished.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();
}

/// <summary>
/// A buyer with one order in flight at a time: POST /api/orders (a new Idempotency-Key each), then wait on its own
/// notification stream until that order is confirmed, then the next. A failure stops this buyer (the run fails).
/// </summary>
public sealed class Buyer(string buyerId, HttpClient orders, BuyerStream stream, int[] products, TimeSpan orderTimeout, BenchResults results)
{
    public async Task RunAsync(CancellationToken stopIssuing)
    {
        while (!stopIssuing.IsCancellationRequested && await PlaceOneAsync())
        {
        }
    }

    private async Task<bool> PlaceOneAsync()
    {
        var product = products[Random.Shared.Next(products.Length)];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = new StringContent($$"""{"lines":[{"productId":{{product}},"quantity":1}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));

        // once issued, an order is followed to its end even after the window closed: every order must finish
        Guid orderId;
        var posted = DateTime.UtcNow;
        try
        {
            using var response = await orders.SendAsync(request, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                results.Failures.Enqueue($"{buyerId}: POST /api/orders answered {(int)response.StatusCode}: {body}");
                return false;
            }

            using var json = JsonDocument.Parse(body);
            orderId = json.RootElement.GetProperty("id").GetGuid();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            results.Failures.Enqueue($"{buyerId}: POST /api/orders failed: {ex.Message}");
            return false;
        }

        var answered = DateTime.UtcNow;
        var notifications = stream.For(orderId);
        try
        {
            var final = await notifications.Final.WaitAsync(orderTimeout);
            if (final.Kind != "OrderConfirmed")
            {
                results.Cancelled.Enqueue($"{buyerId}: order {orderId} {final.Kind}: {final.Message}");
                return false;
            }

            results.Confirmed.Enqueue(new OrderSample(orderId, posted, answered, notifications.Received, final));
            return true;
        }
        catch (TimeoutException)
        {
            results.Failures.Enqueue($"{buyerId}: order {orderId} neither confirmed nor cancelled within {orderTimeout.TotalSeconds:0} s");
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            results.Failures.Enqueue($"{buyerId}: order {orderId}: {ex.Message}");
            return false;
        }
        finally
        {
            stream.Forget(orderId);
        }
    }
}
