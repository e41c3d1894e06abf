using System.Security.Claims;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Notification.Infrastructure;
using StackExchange.Redis;

namespace Platform.Notification.Apis;

public static class NotificationsApi
{
    private static readonly TimeSpan KeepAlive = StreamLeases.RenewEvery;

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        // a buyer's token: the feed and the stream are the token subject's, whatever the query says
        var api = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization(PlatformAccess.BuyerPolicy);
        api.MapGet("/", GetRecentAsync).WithName("GetNotifications");
        api.MapGet("/stream", StreamAsync).WithName("StreamNotifications")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Ok<IReadOnlyList<Model.Notification>>> GetRecentAsync(
        ClaimsPrincipal user, NotificationFeed feed, CancellationToken cancellationToken) =>
        TypedResults.Ok(await feed.RecentAsync(user.BuyerId(), cancellationToken));

    /// <summary>
    /// Server-Sent Events: every notification published for the buyer, from whichever replica consumed it, because each
    /// stream subscribes to the buyer's Redis channel. A bounded queue per stream drops the oldest events for a client
    /// too slow to read; the client can re-read the feed (GET /api/notifications) after reconnecting. A buyer holds at
    /// most <see cref="StreamLeases.MaxStreamsPerBuyer"/> streams at once, across replicas.
    /// </summary>
    internal static async Task StreamAsync(ClaimsPrincipal user, HttpContext http, IConnectionMultiplexer redis, StreamLeases leases, CancellationToken cancellationToken)
    {
        if (!leases.TryOpenLocal())
        {
            http.Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many streams on this server",
                detail: "This server holds as many live streams as it may; retry, or read the feed.").ExecuteAsync(http);
            return;
        }

        try
        {
            await StreamHeldAsync(user, http, redis, leases, cancellationToken);
        }
        finally
        {
            leases.CloseLocal();
        }
    }

    private static async Task StreamHeldAsync(ClaimsPrincipal user, HttpContext http, IConnectionMultiplexer redis, StreamLeases leases, CancellationToken cancellationToken)
    {
        var buyer = user.BuyerId();
        string? lease;
        ChannelMessageQueue subscription;
        var events = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        try
        {
            lease = await leases.TryAcquireAsync(buyer, cancellationToken);
            if (lease is null)
            {
                http.Response.Headers.RetryAfter = ((int)StreamLeases.RenewEvery.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many streams",
                    detail: $"At most {leases.MaxStreamsPerBuyer} notification streams may be open at once; close one first.").ExecuteAsync(http);
                return;
            }

            subscription = await redis.GetSubscriber().SubscribeAsync(NotificationFeed.Channel(buyer)).WaitAsync(cancellationToken);
        }
        catch (RedisException)
        {
            http.Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Notifications unavailable",
                detail: "Live notifications are unavailable for a moment; retry, or read the feed.").ExecuteAsync(http);
            return;
        }

        subscription.OnMessage(message => events.Writer.TryWrite((string)message.Message!));
        await using var end = new EndStream(subscription, leases, buyer, lease);

        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": connected\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);

        var renewed = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                string frame;
                try
                {
                    frame = Frame(await events.Reader.ReadAsync(wait.Token));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    frame = ": keep-alive\n\n";
                }

                await http.Response.WriteAsync(frame, cancellationToken);
                await http.Response.Body.FlushAsync(cancellationToken);
                if (renewed.Elapsed >= StreamLeases.RenewEvery)
                {
                    renewed.Restart();
                    await Renew(leases, buyer, lease);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task Renew(StreamLeases leases, string buyer, string lease)
    {
        try
        {
            await leases.RenewAsync(buyer, lease);
        }
        catch (RedisException)
        {
            // Redis is down: the stream has no events either; the lease is renewed at the next keep-alive
        }
    }

    private static string Frame(string json)
    {
        var id = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString();
        return new StringBuilder().Append("id: ").Append(id).Append("\nevent: notification\ndata: ").Append(json).Append("\n\n").ToString();
    }

    /// <summary>Leaves the buyer's channel and gives the lease back when the stream ends, however it ends.</summary>
    private sealed class EndStream(ChannelMessageQueue subscription, StreamLeases leases, string buyer, string lease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
                await leases.ReleaseAsync(buyer, lease).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Redis is down: the subscription went with the connection, and the lease expires by itself
            }
        }
    }
}
