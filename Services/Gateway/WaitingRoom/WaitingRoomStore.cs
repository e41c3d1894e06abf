using System.Globalization;
using Microsoft.Extensions.Options;
using Platform.Gateway.Options;
using StackExchange.Redis;

namespace Platform.Gateway.WaitingRoom;

/// <summary>The waiting room's state in Redis: every write is one of <see cref="WaitingRoomScripts"/>.</summary>
internal sealed class WaitingRoomStore(IConnectionMultiplexer redis, IOptions<WaitingRoomOptions> options)
{
    private static readonly RedisValue[] SaleFields =
        ["state", "products", "rate", "starts", "cap", "seq", "frontier", "admitted", "ordered", "expired", "lapsed", "idle"];

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Opens a sale for at most <paramref name="buyers"/> distinct buyers (default
    /// <see cref="WaitingRoomOptions.MaxBuyersPerSale"/>), unless it exists, the most sales exist, or the sales' buyers
    /// together would exceed <see cref="WaitingRoomOptions.MaxBuyersAcrossSales"/>. Opening is an administrator's rare
    /// act: two at the same instant could both pass the budget, by one sale at most each.</summary>
    public async Task<SaleCreation> CreateAsync(string id, IReadOnlyList<int> products, double rate, DateTimeOffset? startsAt, int cap,
        TimeSpan idle, TimeSpan admission, TimeSpan duration, long? buyers = null)
    {
        var sales = (await Db.SetMembersAsync(SaleKeys.Registry)).Select(sale => (string)sale!).ToList();
        if (sales.Count >= options.Value.MaxSales)
        {
            return SaleCreation.TooManySales;
        }

        var most = buyers ?? options.Value.MaxBuyersPerSale;
        var taken = (await Task.WhenAll(sales.Select(sale => Db.HashGetAsync(new SaleKeys(sale).Sale, "buyers")))).Sum(b => b.TryParse(out long n) ? n : 0);
        if (taken + most > options.Value.MaxBuyersAcrossSales)
        {
            return SaleCreation.OverBuyerBudget;
        }

        var keys = new SaleKeys(id);
        var created = (long)await Db.ScriptEvaluateAsync(WaitingRoomScripts.Create, [keys.Sale],
        [
            string.Join(',', products), rate.ToString(CultureInfo.InvariantCulture), startsAt?.ToUnixTimeMilliseconds() ?? 0, cap,
            (long)idle.TotalMilliseconds, (long)admission.TotalMilliseconds, (long)duration.TotalMilliseconds, most,
        ]) == 1;
        if (!created)
        {
            return SaleCreation.Exists;
        }

        await Db.SetAddAsync(SaleKeys.Registry, id);
        return SaleCreation.Created;
    }

    public async Task<bool> CloseAsync(string id)
    {
        var keys = new SaleKeys(id);
        return (long)await Db.ScriptEvaluateAsync(WaitingRoomScripts.Close, keys.All, [(long)options.Value.ClosedRetention.TotalMilliseconds]) == 1;
    }

    public async Task<(JoinOutcome Outcome, long Place, string? State)> JoinAsync(string id, string buyer)
    {
        var keys = new SaleKeys(id);
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(WaitingRoomScripts.Join,
            [keys.Sale, keys.Tickets, keys.Queue, keys.Seen, keys.Admissions], [buyer, options.Value.MaxBuyersPerSale]))!;
        return (long)reply[0] switch
        {
            -1 => (JoinOutcome.UnknownSale, 0, null),
            -2 => (JoinOutcome.NotOpen, 0, (string?)reply[1]),
            -3 => (JoinOutcome.Full, 0, null),
            var place => ((long)reply[1] == 1 ? JoinOutcome.Joined : JoinOutcome.AlreadyJoined, place, null),
        };
    }

    public async Task HeartbeatAsync(string id, IReadOnlyCollection<string> buyers)
    {
        var keys = new SaleKeys(id);
        await Db.ScriptEvaluateAsync(WaitingRoomScripts.Heartbeat, [keys.Sale, keys.Seen], [.. buyers.Select(b => (RedisValue)b)]);
    }

    /// <summary>{admitted, expired, lapsed} (zeros when the sale is gone); null when the fence was refused: another admitter took over.</summary>
    public async Task<(long Admitted, long Expired, long Lapsed)?> AdmitAsync(string id, long fence)
    {
        var keys = new SaleKeys(id);
        var reply = (long[])(await Db.ScriptEvaluateAsync(WaitingRoomScripts.Admit,
            [keys.Sale, keys.Queue, keys.Seen, keys.Admissions, keys.Deadlines], [fence, options.Value.AdmitBatch]))!;
        return reply[0] switch
        {
            -2 => null,
            -1 => (0, 0, 0),
            _ => (reply[0], reply[1], reply[2]),
        };
    }

    public async Task<ClaimOutcome> ClaimAsync(string id, string buyer, string idempotencyKey)
    {
        var keys = new SaleKeys(id);
        return (long)await Db.ScriptEvaluateAsync(WaitingRoomScripts.Claim, [keys.Sale, keys.Admissions, keys.Deadlines], [buyer, idempotencyKey]) switch
        {
            1 => ClaimOutcome.Claimed,
            2 => ClaimOutcome.SameOrder,
            -1 => ClaimOutcome.UnknownSale,
            -2 => ClaimOutcome.NotAdmitted,
            -3 => ClaimOutcome.Expired,
            _ => ClaimOutcome.Used,
        };
    }

    public Task SettleAsync(string id, string buyer, string idempotencyKey, bool ordered)
    {
        var keys = new SaleKeys(id);
        return Db.ScriptEvaluateAsync(WaitingRoomScripts.Settle, [keys.Sale, keys.Admissions, keys.Deadlines],
            [buyer, idempotencyKey, ordered ? "ordered" : "released"]);
    }

    public async Task<long?> PlaceAsync(string id, string buyer) =>
        await Db.HashGetAsync(new SaleKeys(id).Tickets, buyer) is { HasValue: true } place ? (long)place : null;

    public async Task<AdmissionRecord?> AdmissionAsync(string id, string buyer) =>
        AdmissionRecord.Parse(await Db.HashGetAsync(new SaleKeys(id).Admissions, buyer));

    /// <summary>Every sale's current figures, in one pipelined round trip; sales whose keys expired leave the registry.</summary>
    public async Task<IReadOnlyList<SaleSnapshot>> ReadAllAsync()
    {
        var ids = (await Db.SetMembersAsync(SaleKeys.Registry)).Select(id => id.ToString()).ToArray();
        var batch = Db.CreateBatch();
        var reads = ids.Select(id => Read(batch, id)).ToList();
        batch.Execute();
        var snapshots = new List<SaleSnapshot>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (await reads[i] is { } snapshot)
            {
                snapshots.Add(snapshot);
            }
            else
            {
                await Db.SetRemoveAsync(SaleKeys.Registry, ids[i]);
            }
        }

        return snapshots;
    }

    /// <summary>One sale's current figures; null when there is no such sale (or its keys expired).</summary>
    public Task<SaleSnapshot?> ReadAsync(string id) => Read(Db, id);

    private static async Task<SaleSnapshot?> Read(IDatabaseAsync db, string id)
    {
        var keys = new SaleKeys(id);
        var sale = db.HashGetAsync(keys.Sale, SaleFields);
        var waiting = db.SortedSetLengthAsync(keys.Queue);
        var v = await sale;
        return v[0].IsNull
            ? null
            : new SaleSnapshot(id, v[0]!, Products(v[1]), double.Parse((string)v[2]!, CultureInfo.InvariantCulture), (long)v[3], (int)v[4],
                (long)v[5], (long)v[6], await waiting, (long)v[7], (long)v[8], (long)v[9], (long)v[10], (long)v[11]);
    }

    private static int[] Products(RedisValue text) =>
        [.. ((string?)text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
}
