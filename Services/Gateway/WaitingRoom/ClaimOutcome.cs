namespace Platform.Gateway.WaitingRoom;

public enum ClaimOutcome
{
    Claimed,
    SameOrder,
    UnknownSale,
    NotAdmitted,
    Expired,
    Used,
}
