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
    int? DurationHours,
    int? MaxBuyers = null);
