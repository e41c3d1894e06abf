namespace Platform.Gateway.WaitingRoom;

public enum JoinOutcome
{
    Joined,
    AlreadyJoined,
    UnknownSale,
    NotOpen,
    Full,
}
