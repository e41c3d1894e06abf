namespace Platform.Payment.Model;

public enum RefundRequestAnswer
{
    Refund,
    AlreadyRefunded,
    NothingCharged,
}
