using Platform.Gateway.Options;
using StackExchange.Redis;

namespace Platform.Gateway.WaitingRoom;

/// <summary>A sale's Redis keys (see <see cref="WaitingRoomScripts"/>), in one hash slot, and the registry of sales.</summary>
internal readonly record struct SaleKeys(string SaleId)
{
    /// <summary>The set of sale ids (bounded by <see cref="WaitingRoomOptions.MaxSales"/>; a sale whose keys expired is removed).</summary>
    public static readonly RedisKey Registry = "wr:sales";

    private string Prefix => $"wr:{{{SaleId}}}";

    public RedisKey Sale => $"{Prefix}:sale";

    public RedisKey Tickets => $"{Prefix}:tickets";

    public RedisKey Queue => $"{Prefix}:queue";

    public RedisKey Seen => $"{Prefix}:seen";

    public RedisKey Admissions => $"{Prefix}:admissions";

    public RedisKey Deadlines => $"{Prefix}:deadlines";

    public RedisKey[] All => [Sale, Tickets, Queue, Seen, Admissions, Deadlines];
}
