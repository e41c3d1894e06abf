using System.Globalization;

namespace Platform.Catalog.Infrastructure;

/// <summary>
/// The live bestseller ranking: one Redis sorted set, item id → units sold. <see cref="RecordSaleAsync"/> is what the
/// paid-order consumer calls for each line.
/// </summary>
public sealed class BestsellerRanking(IConnectionMultiplexer redis)
{
    internal const string Key = "catalog:bestsellers";

    public Task RecordSaleAsync(int itemId, int quantity, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(itemId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        return redis.GetDatabase().SortedSetIncrementAsync(Key, itemId, quantity).WaitAsync(cancellationToken);
    }

    /// <summary>The top <paramref name="count"/> items by units sold, best first.</summary>
    public async Task<List<BestsellerEntry>> TopAsync(int count, CancellationToken cancellationToken = default)
    {
        var entries = await redis.GetDatabase().SortedSetRangeByRankWithScoresAsync(Key, 0, count - 1, Order.Descending).WaitAsync(cancellationToken);
        var top = new List<BestsellerEntry>(entries.Length);
        foreach (var entry in entries)
        {
            if (int.TryParse((string?)entry.Element, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                top.Add(new BestsellerEntry(id, (long)entry.Score));
            }
        }

        return top;
    }

    /// <summary>Drops an item that no longer exists from the ranking.</summary>
    public Task RemoveAsync(int itemId, CancellationToken cancellationToken = default) =>
        redis.GetDatabase().SortedSetRemoveAsync(Key, itemId).WaitAsync(cancellationToken);
}
