using System.Security.Claims;
using System.Text;
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
    /// stream subscribes to the buyer's Redis channel; what pub/sub missed (a failover) comes from the feed within a
    /// keep-alive (<see cref="LiveNotifications"/>). A bounded queue per stream drops the oldest events for a client
    /// too slow to read; the client can re-read the feed (GET /api/notifications) after reconnecting. A buyer holds at
    /// most <see cref="StreamLeases.MaxStreamsPerBuyer"/> streams at once, across replicas.
    /// </summary>
    internal static async Task StreamAsync(ClaimsPrincipal user, HttpContext http, IConnectionMultiplexer redis, StreamLeases leases, TimeProvider time, CancellationToken cancellationToken)
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
            // a stream lives no longer than the token that opened it: an access token revoked by its end (a role
            // taken away, a password changed) must not keep a stream open; the client reconnects with its new token
            using var untilExpiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            untilExpiry.CancelAfter(TokenLifetime.Remaining(user, time.GetUtcNow()));
            await StreamHeldAsync(user, http, redis, leases, untilExpiry.Token);
        }
        finally
        {
            leases.CloseLocal();
        }
    }

    private static async Task StreamHeldAsync(ClaimsPrincipal user, HttpContext http, IConnectionMultiplexer redis, StreamLeases leases, CancellationToken cancellationToken)
    {
        var buyer = user.BuyerId();
        string? lease = null;
        LiveNotifications? live = null;
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

            live = await LiveNotifications.SubscribeAsync(redis, buyer);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await Release(leases, buyer, lease);
            http.Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Notifications unavailable",
                detail: "Live notifications are unavailable for a moment; retry, or read the feed.").ExecuteAsync(http);
            return;
        }

        await using var subscription = live;
        try
        {
            await SendAsync(http, live, leases, buyer, lease, cancellationToken);
        }
        finally
        {
            await Release(leases, buyer, lease);
        }
    }

    private static async Task SendAsync(HttpContext http, LiveNotifications live, StreamLeases leases, string buyer, string lease, CancellationToken cancellationToken)
    {
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
                var quiet = false;
                try
                {
                    var (id, json) = await live.NextAsync(wait.Token);
                    frame = Frame(id, json);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    frame = ": keep-alive\n\n";
                    quiet = true;
                }

                await http.Response.WriteAsync(frame, cancellationToken);
                await http.Response.Body.FlushAsync(cancellationToken);
                // a quiet period is RenewEvery long: renew then too, since its timer may fire a hair before the stopwatch
                // reads RenewEvery, which put the renewal off to the next keep-alive (30 s of a 45 s lease, seen in a test)
                if (quiet || renewed.Elapsed >= StreamLeases.RenewEvery)
                {
                    renewed.Restart();
                    if (!await Renew(leases, buyer, lease))
                    {
                        return;
                    }

                    await live.ReconcileAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>False when the lease is gone: the stream ends and the client reconnects under the buyer's cap.</summary>
    private static async Task<bool> Renew(StreamLeases leases, string buyer, string lease)
    {
        try
        {
            return await leases.RenewAsync(buyer, lease);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is down: the stream has no events either; the lease is renewed at the next keep-alive
            return true;
        }
    }

    private static string Frame(string id, string json) =>
        new StringBuilder().Append("id: ").Append(id).Append("\nevent: notification\ndata: ").Append(json).Append("\n\n").ToString();

    /// <summary>Gives the lease back when the stream ends, however it ends.</summary>
    private static async Task Release(StreamLeases leases, string buyer, string? lease)
    {
        try
        {
            if (lease is not null)
            {
                await leases.ReleaseAsync(buyer, lease);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is down: the lease expires by itself
        }
    }
}
