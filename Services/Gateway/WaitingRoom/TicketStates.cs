namespace Platform.Gateway.WaitingRoom;

/// <summary>The states a ticket can be in (the <c>state</c> of <see cref="TicketStatus"/>).</summary>
public static class TicketStates
{
    public const string Waiting = "waiting";
    public const string Admitted = "admitted";
    public const string Expired = "expired";
    public const string SoldOut = "sold-out";
    public const string Closed = "closed";
}
