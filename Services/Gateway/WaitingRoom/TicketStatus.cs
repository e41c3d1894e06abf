namespace Platform.Gateway.WaitingRoom;

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
