namespace Platform.Contracts.IntegrationEvents;

/// <summary>One line of an order, priced by the catalog when the order was placed.</summary>
public sealed record OrderLine(int ProductId, int Quantity, decimal UnitPrice);

/// <summary>Order → catalog: reserve stock for every line, or none.</summary>
public sealed record OrderSubmitted(Guid OrderId, string BuyerId, IReadOnlyList<OrderLine> Lines, decimal Total, DateTimeOffset SubmittedAt);

/// <summary>Order → payment: stock is held, charge the buyer.</summary>
public sealed record PaymentRequested(Guid OrderId, string BuyerId, decimal Amount);

/// <summary>Order → catalog: give back what was reserved for this order (cancellation). Idempotent per order.</summary>
public sealed record StockReleaseRequested(Guid OrderId);

/// <summary>Order → catalog (bestsellers) and notification: the buyer paid.</summary>
public sealed record OrderPaid(Guid OrderId, string BuyerId, IReadOnlyList<OrderLine> Lines, decimal Total);

/// <summary>Order → notification: final, successful state.</summary>
public sealed record OrderConfirmed(Guid OrderId, string BuyerId, decimal Total);

/// <summary>Order → notification: final, unsuccessful state, with the reason a buyer can read.</summary>
public sealed record OrderCancelled(Guid OrderId, string BuyerId, string Reason);

/// <summary>
/// Order → payment: this payment succeeded for an order that is already cancelled (a late PaymentSucceeded);
/// give the money back. Idempotent per order.
/// </summary>
public sealed record RefundRequested(Guid OrderId, string PaymentId, decimal Amount, string Reason);
