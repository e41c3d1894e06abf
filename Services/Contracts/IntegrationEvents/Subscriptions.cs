namespace Platform.Contracts.IntegrationEvents;

/// <summary>
/// Who consumes what: each event and the queue of every endpoint that consumes it (MassTransit's kebab-case endpoint
/// names). Every service that publishes declares all of them before its outbox publishes anything, so an event sent
/// before its consumer's service ever started waits in that queue instead of being dropped by RabbitMQ. An end-to-end
/// test checks that each queue exists and has a consumer (a queue nobody reads would fill up).
/// </summary>
public static class Subscriptions
{
    public static readonly IReadOnlyList<(Type Event, string Queue)> All =
    [
        (typeof(OrderSubmitted), "order-submitted"),                  // catalog: reserve the stock
        (typeof(StockReleaseRequested), "stock-release-requested"),   // catalog: give it back
        (typeof(OrderPaid), "order-paid"),                            // catalog: bestsellers
        (typeof(StockReserved), "stock-reserved"),                    // order
        (typeof(StockRejected), "stock-rejected"),                    // order
        (typeof(PaymentSucceeded), "payment-succeeded"),              // order
        (typeof(PaymentFailed), "payment-failed"),                    // order
        (typeof(PaymentRequested), "payment-requested"),              // payment: charge
        (typeof(RefundRequested), "refund-requested"),                // payment: refund
        (typeof(OrderSubmitted), "order-submitted-notifier"),         // notification
        (typeof(OrderConfirmed), "order-confirmed-notifier"),         // notification
        (typeof(OrderCancelled), "order-cancelled-notifier"),         // notification
        (typeof(PaymentRefunded), "payment-refunded-notifier"),       // notification
    ];
}
