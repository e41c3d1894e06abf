namespace Platform.Gateway.WaitingRoom;

/// <summary>One read of a sale's hash (and its queue's length): what a replica answers <c>status</c> from until the next.</summary>
internal sealed record SaleSnapshot(
    string Id,
    string State,
    int[] ProductIds,
    double Rate,
    long StartsAtMs,
    int Cap,
    long Joined,
    long Frontier,
    long Waiting,
    long Admitted,
    long Ordered,
    long Expired,
    long Lapsed,
    long IdleMs)
{
    /// <summary>Its products are ordered only with an admission: open, or sold out (every place ordered) until closed.</summary>
    public bool Gates => State is "open" or "sold-out";

    public SaleFigures ToFigures() => new(Id, State, ProductIds, Rate, DateTimeOffset.FromUnixTimeMilliseconds(StartsAtMs),
        Cap > 0 ? Cap : null, Joined, Waiting, Admitted, Ordered, Expired, Lapsed);
}
