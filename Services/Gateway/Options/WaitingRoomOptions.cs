namespace Platform.Gateway.Options;

/// <summary>Section <c>Gateway:WaitingRoom</c>: how often replicas refresh and admit, and the bounds on what they keep.</summary>
public sealed class WaitingRoomOptions
{
    /// <summary>How often a replica re-reads every sale's figures (what <c>status</c> answers from) and sends its
    /// buyers' heartbeats.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How old a replica's picture of the sales may grow (Redis unreachable) before its order gate pauses every
    /// order: past it, a sale may have opened that the replica cannot see, and its products must not sell ungated.</summary>
    public TimeSpan BoardStaleAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the admitter admits (each step admits what the rate allows since the last one).</summary>
    public TimeSpan AdmitInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The admitter's lease: a replica that dies holding it is replaced after this.</summary>
    public TimeSpan AdmitterLease { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most buyers one admitter step admits or expires per sale (bounds a script's run time).</summary>
    public int AdmitBatch { get; set; } = 500;

    /// <summary>The shortest and longest poll interval a buyer is told (Retry-After).</summary>
    public TimeSpan MinPoll { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPoll { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Above this many status polls a second on one replica, intervals are doubled (shedding poll load).</summary>
    public int PollBudgetPerSecond { get; set; } = 20_000;

    /// <summary>The most sales that exist at once (open or closed and still readable).</summary>
    public int MaxSales { get; set; } = 100;

    /// <summary>The most distinct buyers one sale takes (its <c>maxBuyers</c>, when opened, is at most this): every
    /// buyer who joined keeps a ticket until the sale's keys expire, so this, not the queue's length, bounds its memory.</summary>
    public int MaxBuyersPerSale { get; set; } = 1_000_000;

    /// <summary>The most buyers all sales together may take (the sum of their <c>maxBuyers</c>): what bounds the
    /// waiting room's share of the state Redis, which never evicts and also holds locks. About 500 bytes a buyer
    /// (measured: docs/waiting-room.md), so the default is about half of the state Redis's 1 GB.</summary>
    public long MaxBuyersAcrossSales { get; set; } = 1_000_000;

    /// <summary>The most buyers whose place (and outcome) one replica remembers per sale; beyond, it asks Redis.</summary>
    public int MaxRememberedBuyers { get; set; } = 200_000;

    /// <summary>How long a closed sale's figures stay readable before its keys expire.</summary>
    public TimeSpan ClosedRetention { get; set; } = TimeSpan.FromHours(1);
}
