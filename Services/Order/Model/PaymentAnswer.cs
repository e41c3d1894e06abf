using Platform.Contracts.IntegrationEvents;

namespace Platform.Order.Model;

/// <summary>A payment outcome as the order checks it before acting on it: the request it names and, for a success, the
/// charge.</summary>
public sealed record PaymentAnswer(Guid? RequestId, PaymentSucceeded? Succeeded)
{
    public static PaymentAnswer Of(PaymentSucceeded succeeded) => new(succeeded.PaymentRequestId, succeeded);

    public static PaymentAnswer Of(PaymentFailed failed) => new(failed.PaymentRequestId, null);

    /// <summary>Whether this answers the payment the order asked for: it names the request id the order kept (an order
    /// that asked before ids were kept has none, and is checked on the amount alone), and a charge is of the order's
    /// total. Publishing a forged outcome then takes both, which only the order and payment services ever see.</summary>
    public bool Answers(Guid? requested, decimal total) =>
        (requested is null || RequestId == requested) && (Succeeded is null || Succeeded.Amount == total);
}
