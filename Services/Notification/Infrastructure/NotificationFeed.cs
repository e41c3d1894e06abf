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
    /// from PostgreSQL until the next notification writes it again.</summary>
    public static readonly TimeSpan FeedLifetime = TimeSpan.FromDays(30);

    public static string FeedKey(string buyerId) => $"notifications:feed:{buyerId}";

    public static RedisChannel Channel(string buyerId) => RedisChannel.Literal($"notifications:live:{buyerId}");

    /// <summary>Inside the consumer's inbox transaction. Redis work happens before the commit: if Redis is down the
    /// transaction rolls back and the message is retried, so the feed never misses a stored notification. A retry
    /// after a failed commit re-adds the same member (no duplicate) and may publish twice; clients de-duplicate by id.</summary>
    public async Task AddAsync(Model.Notification notification, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
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
        // One round trip: the four commands leave together.
        var batch = redis.GetDatabase().CreateBatch();
        var add = batch.SortedSetAddAsync(FeedKey(notification.BuyerId), json, notification.CreatedAt.ToUnixTimeMilliseconds());
        var trim = batch.SortedSetRemoveRangeByRankAsync(FeedKey(notification.BuyerId), 0, -(FeedLength + 1));
        var expire = batch.KeyExpireAsync(FeedKey(notification.BuyerId), FeedLifetime);
        var publish = batch.PublishAsync(Channel(notification.BuyerId), json);
        batch.Execute();
        await Task.WhenAll(add, trim, expire, publish).WaitAsync(cancellationToken);
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
        await using var command = dataSource.CreateCommand(
            "SELECT id, order_id, kind, message, created_at FROM notifications WHERE buyer_id = @buyer ORDER BY created_at DESC LIMIT @limit");
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
