namespace Platform.Contracts.IntegrationEvents;

/// <summary>Order → payment: stock is held, charge the buyer. <see cref="PaymentRequestId"/> is a random id the order
/// keeps: an outcome that does not name it is not the answer to this request, whoever published it.</summary>
public sealed record PaymentRequested(Guid OrderId, string BuyerId, decimal Amount, Guid? PaymentRequestId = null);
