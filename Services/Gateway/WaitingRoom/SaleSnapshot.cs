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

/// <summary>A buyer's admission record ("state|expires|idempotency key|admitted at", see <see cref="WaitingRoomScripts"/>).</summary>
internal readonly record struct AdmissionRecord(char State, long ExpiresMs, long AdmittedAtMs)
{
    public static AdmissionRecord? Parse(string? text)
    {
        var parts = text?.Split('|');
        return parts is { Length: 4 } && parts[0].Length == 1 && long.TryParse(parts[1], out var expires)
            ? new AdmissionRecord(parts[0][0], expires, long.TryParse(parts[3], out var at) ? at : 0)
            : null;
    }

    /// <summary>Admitted and (as far as this replica knows) still usable: admitted, or claimed by an order in flight.</summary>
    public bool IsAdmission => State is 'A' or 'C' or 'O';
}
