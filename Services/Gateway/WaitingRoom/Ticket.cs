namespace Platform.Gateway.WaitingRoom;

/// <summary>A buyer's place, answered by <c>join</c>.</summary>
public sealed record Ticket(string SaleId, long Place, bool Joined);
