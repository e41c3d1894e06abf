namespace Platform.Gateway.WaitingRoom;

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
