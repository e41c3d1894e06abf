using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace Platform.Notification.Infrastructure;

/// <summary>
/// Stores a notification (PostgreSQL, the record), keeps each buyer's latest <see cref="FeedLength"/> in a capped Redis
/// sorted set (the fast read), and publishes it on the buyer's channel, which every replica's SSE streams listen to.
/// </summary>
public sealed class NotificationFeed(NpgsqlDataSource dataSource, IConnectionMultiplexer redis)
{
    public const int FeedLength = 50;

    /// <summary>A buyer's feed is a copy of the database's newest rows: one quiet for this long goes, and is read
    /// from PostgreSQL until the next notification rebuilds it. A day: the never-evicting Redis then holds the feeds of
    /// the day's buyers (at most 50 entries each), not of every buyer of a month.</summary>
    public static readonly TimeSpan FeedLifetime = TimeSpan.FromDays(1);

    /// <summary>KEYS: feed. ARGV: member, score, length, lifetime ms. Adds to a feed that exists (1); a feed that is
    /// gone is left alone (0), because a feed of one entry would hide the older ones PostgreSQL still has.</summary>
    private const string AddToLiveFeed = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    public static string FeedKey(string buyerId) => $"notifications:feed:{buyerId}";

    public static RedisChannel Channel(string buyerId) => RedisChannel.Literal($"notifications:live:{buyerId}");

    /// <summary>Inside the consumer's inbox transaction. Redis work happens before the commit: if Redis is down the
    /// transaction rolls back and the message is retried, so the feed never misses a stored notification. A retry
    /// after a failed commit re-adds the same member (no duplicate) and may publish twice; clients de-duplicate by id.</summary>
    public async Task AddAsync(Model.Notification created, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // as PostgreSQL keeps it (UTC, whole microseconds), so the feed's entry is the same string whether it was
        // written from here or rebuilt from the database
        var notification = created with { CreatedAt = new DateTimeOffset(created.CreatedAt.UtcTicks - (created.CreatedAt.UtcTicks % 10), TimeSpan.Zero) };
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO notifications (id, buyer_id, order_id, kind, message, created_at) VALUES (@id, @buyer, @order, @kind, @message, @at) ON CONFLICT (id) DO NOTHING",
            transaction.Connection, transaction))
        {
            insert.Parameters.AddWithValue("id", notification.Id);
            insert.Parameters.AddWithValue("buyer", notification.BuyerId);
            insert.Parameters.AddWithValue("order", notification.OrderId);
            insert.Parameters.AddWithValue("kind", notification.Kind);
            insert.Parameters.AddWithValue("message", notification.Message);
            insert.Parameters.AddWithValue("at", notification.CreatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var json = JsonSerializer.Serialize(notification, NotificationJson.Options);
        // One round trip: the script and the publish leave together.
        var feed = FeedKey(notification.BuyerId);
        var batch = redis.GetDatabase().CreateBatch();
        var add = batch.ScriptEvaluateAsync(AddToLiveFeed, [feed], [json, notification.CreatedAt.ToUnixTimeMilliseconds(), FeedLength, (long)FeedLifetime.TotalMilliseconds]);
        var publish = batch.PublishAsync(Channel(notification.BuyerId), json);
        batch.Execute();
        await Task.WhenAll(add, publish).WaitAsync(cancellationToken);
        if ((long)(await add) == 0)
        {
            // the feed had lapsed: rebuilt from the database's newest rows, this one included (same transaction)
            var rows = await ReadAsync(notification.BuyerId, transaction.Connection!, transaction, cancellationToken);
            var rebuild = redis.GetDatabase().CreateBatch();
            var added = rebuild.SortedSetAddAsync(feed, [.. rows.Select(n => new SortedSetEntry(JsonSerializer.Serialize(n, NotificationJson.Options), n.CreatedAt.ToUnixTimeMilliseconds()))]);
            var trimmed = rebuild.SortedSetRemoveRangeByRankAsync(feed, 0, -(FeedLength + 1));
            var expires = rebuild.KeyExpireAsync(feed, FeedLifetime);
            rebuild.Execute();
            await Task.WhenAll(added, trimmed, expires).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Newest first, from Redis; from PostgreSQL when Redis is unavailable.</summary>
    public async Task<IReadOnlyList<Model.Notification>> RecentAsync(string buyerId, CancellationToken cancellationToken)
    {
        try
        {
            var members = await redis.GetDatabase().SortedSetRangeByRankAsync(FeedKey(buyerId), 0, FeedLength - 1, Order.Descending).WaitAsync(cancellationToken);
            if (members.Length > 0)
            {
                return [.. members.Select(m => JsonSerializer.Deserialize<Model.Notification>((string)m!, NotificationJson.Options)!)];
            }
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // The database has every notification; the feed is only the fast path.
        }

        return await FromDatabaseAsync(buyerId, cancellationToken);
    }

    private async Task<IReadOnlyList<Model.Notification>> FromDatabaseAsync(string buyerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(buyerId, connection, transaction: null, cancellationToken);
    }

    private static async Task<IReadOnlyList<Model.Notification>> ReadAsync(string buyerId, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, order_id, kind, message, created_at FROM notifications WHERE buyer_id = @buyer ORDER BY created_at DESC LIMIT @limit", connection, transaction);
        command.Parameters.AddWithValue("buyer", buyerId);
        command.Parameters.AddWithValue("limit", FeedLength);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Model.Notification>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Model.Notification(reader.GetGuid(0), buyerId, reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return list;
    }
}

internal static class NotificationJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
