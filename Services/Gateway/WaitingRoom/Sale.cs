namespace Platform.Gateway.WaitingRoom;

/// <summary>An administrator's request to open a sale: buyers of these products are admitted at this rate.</summary>
public sealed record OpenSaleRequest(
    string? Id,
    IReadOnlyList<int>? ProductIds,
    double? AdmissionRatePerSecond,
    DateTimeOffset? StartsAt,
    int? MaxAdmitted,
    int? IdleTimeoutSeconds,
    int? AdmissionSeconds,
    int? DurationHours);

/// <summary>A sale's settings and live figures as Redis last had them.</summary>
public sealed record SaleFigures(
    string Id,
    string State,
    IReadOnlyList<int> ProductIds,
    double AdmissionRatePerSecond,
    DateTimeOffset StartsAt,
    int? MaxAdmitted,
    long Joined,
    long Waiting,
    long Admitted,
    long Ordered,
    long Expired,
    long Lapsed);

/// <summary>A buyer's place, answered by <c>join</c>.</summary>
public sealed record Ticket(string SaleId, long Place, bool Joined);

/// <summary>What <c>status</c> tells a buyer. <see cref="AdmissionToken"/> comes with <c>admitted</c>.</summary>
public sealed record TicketStatus(
    string SaleId,
    string State,
    long Place,
    long? Position,
    long? PeopleAhead,
    double? EstimatedWaitSeconds,
    string? AdmissionToken,
    DateTimeOffset? AdmissionExpiresAt,
    DateTimeOffset? AdmittedAt,
    int PollAfterSeconds);

/// <summary>The states a ticket can be in (the <c>state</c> of <see cref="TicketStatus"/>).</summary>
public static class TicketStates
{
    public const string Waiting = "waiting";
    public const string Admitted = "admitted";
    public const string Expired = "expired";
    public const string SoldOut = "sold-out";
    public const string Closed = "closed";
}
