using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Notification.Infrastructure;
using StackExchange.Redis;

namespace Platform.Notification.Apis;

public static class NotificationsApi
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications");
        api.MapGet("/", GetRecentAsync).WithName("GetNotifications");
        api.MapGet("/stream", StreamAsync).WithName("StreamNotifications");
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<Model.Notification>>, ValidationProblem>> GetRecentAsync(
        string? buyer, NotificationFeed feed, CancellationToken cancellationToken) =>
        IsValidBuyer(buyer) ? TypedResults.Ok(await feed.RecentAsync(buyer!, cancellationToken)) : InvalidBuyer();

    /// <summary>
    /// Server-Sent Events: every notification published for the buyer, from whichever replica consumed it, because each
    /// stream subscribes to the buyer's Redis channel. A bounded queue per stream drops the oldest events for a client
    /// too slow to read; the client can re-read the feed (GET /api/notifications) after reconnecting.
    /// </summary>
    internal static async Task StreamAsync(string? buyer, HttpContext http, IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        if (!IsValidBuyer(buyer))
        {
            await InvalidBuyer().ExecuteAsync(http);
            return;
        }

        var events = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var subscription = await redis.GetSubscriber().SubscribeAsync(NotificationFeed.Channel(buyer!)).WaitAsync(cancellationToken);
        subscription.OnMessage(message => events.Writer.TryWrite((string)message.Message!));
        await using var unsubscribe = new Unsubscribe(subscription);

        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": connected\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                string payload;
                try
                {
                    payload = await events.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    continue;
                }

                await http.Response.WriteAsync(Frame(payload), cancellationToken);
                await http.Response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static string Frame(string json)
    {
        var id = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString();
        return new StringBuilder().Append("id: ").Append(id).Append("\nevent: notification\ndata: ").Append(json).Append("\n\n").ToString();
    }

    private static bool IsValidBuyer(string? buyer) => !string.IsNullOrWhiteSpace(buyer) && buyer.Length <= 64;

    private static ValidationProblem InvalidBuyer() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["buyer"] = ["buyer is required (1-64 characters)."] });

    /// <summary>Leaves the buyer's channel when the stream ends, however it ends.</summary>
    private sealed class Unsubscribe(ChannelMessageQueue subscription) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Redis is down: the subscription went with the connection.
            }
        }
    }
}
