using System.Text.Json;
using System.Threading.Channels;
using StackExchange.Redis;

namespace Platform.Notification.Infrastructure;

/// <summary>
/// One stream's notifications: what is published on the buyer's Redis channel, as it comes. Pub/sub alone can miss
/// one (a subscription a failover left behind, an event published while it was being re-made), so at every
/// <see cref="ReconcileAsync"/> the subscription is re-made if its server is gone, and the buyer's feed (written in
/// the same round trip as the publish) is read for anything since the stream opened that the stream has not sent
/// (from half a minute before the newest entry it saw, so a long stream does not re-read its whole feed each time).
/// Each id is sent once (the last <see cref="RememberedIds"/>), so a notification published twice is sent once.
/// </summary>
public sealed class LiveNotifications : IAsyncDisposable
{
    /// <summary>Ids remembered as sent: more than a feed holds (<see cref="NotificationFeed.FeedLength"/>).</summary>
    public const int RememberedIds = 256;

    /// <summary>How long after its creation time a notification may reach the feed (it was in flight, or another
    /// replica's clock is a little behind): each reading of the feed starts this far before the newest entry seen.</summary>
    private static readonly TimeSpan Lateness = TimeSpan.FromSeconds(30);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _buyer;
    private readonly RedisChannel _channel;
    private long _readFromMs;
    private readonly Channel<string> _events = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly Queue<string> _sentOrder = new();
    private ChannelMessageQueue? _subscription;

    private LiveNotifications(IConnectionMultiplexer redis, string buyer)
    {
        _redis = redis;
        _buyer = buyer;
        _channel = NotificationFeed.Channel(buyer);
        // one published while the subscription was being made may be in the feed only
        _readFromMs = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds();
    }

    /// <summary>Subscribes to the buyer's channel; throws <see cref="RedisException"/> when Redis is unavailable.</summary>
    public static async Task<LiveNotifications> SubscribeAsync(IConnectionMultiplexer redis, string buyer)
    {
        var live = new LiveNotifications(redis, buyer);
        await live.SubscribeAsync();
        return live;
    }

    /// <summary>The next notification (JSON) the stream has not sent yet; waits for one.</summary>
    public async Task<(string Id, string Json)> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var json = await _events.Reader.ReadAsync(cancellationToken);
            using var notification = JsonDocument.Parse(json);
            var id = notification.RootElement.GetProperty("id").GetString()!;
            if (Remember(id))
            {
                return (id, json);
            }
        }
    }

    /// <summary>Re-subscribes if the subscription's server is gone, then queues what the feed has and the stream has
    /// not sent. Redis unavailable: nothing to do until the next call.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!IsSubscribed())
            {
                await SubscribeAsync();
            }

            // scores are creation times (ms): only the last Lateness before the newest entry seen is read again
            var recent = await _redis.GetDatabase().SortedSetRangeByScoreWithScoresAsync(NotificationFeed.FeedKey(_buyer), _readFromMs, double.PositiveInfinity).WaitAsync(cancellationToken);
            foreach (var entry in recent)
            {
                _events.Writer.TryWrite(entry.Element!);
                _readFromMs = Math.Max(_readFromMs, (long)entry.Score - (long)Lateness.TotalMilliseconds);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away: no notification is written without it (NotificationFeed.AddAsync), so none is missed
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_subscription is { } subscription)
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is down: the subscription went with the connection
        }
    }

    /// <summary>Whether StackExchange.Redis holds the channel on a connected server; after a failover it may hold it
    /// nowhere until its next reconfiguration, which may not come.</summary>
    private bool IsSubscribed() =>
        _redis.GetSubscriber().SubscribedEndpoint(_channel) is { } endpoint && _redis.GetServers().Any(s => s.EndPoint.Equals(endpoint) && s.IsConnected);

    /// <summary>Not cancellable: a subscription made after its caller gave up would never be left. StackExchange.Redis
    /// bounds the wait (its timeout).</summary>
    private async Task SubscribeAsync()
    {
        // the old queue first: while both were attached every message would be queued twice
        if (Interlocked.Exchange(ref _subscription, null) is { } old)
        {
            await old.UnsubscribeAsync();
        }

        var subscription = await _redis.GetSubscriber().SubscribeAsync(_channel);
        subscription.OnMessage(message => _events.Writer.TryWrite((string)message.Message!));
        _subscription = subscription;
    }

    private bool Remember(string id)
    {
        if (!_sent.Add(id))
        {
            return false;
        }

        _sentOrder.Enqueue(id);
        if (_sentOrder.Count > RememberedIds)
        {
            _sent.Remove(_sentOrder.Dequeue());
        }

        return true;
    }
}
