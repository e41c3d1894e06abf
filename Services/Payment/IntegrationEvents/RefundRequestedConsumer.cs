using MassTransit;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
using Platform.Payment.Infrastructure;
using Platform.Payment.Model;

namespace Platform.Payment.IntegrationEvents;

/// <summary>
/// Refunds a payment whose order was cancelled before the payment succeeded. The request is recorded on the row
/// (due for reconciliation) in the inbox transaction and tried at once; while the provider is unavailable the row
/// stays due and the reconciler retries it, for as long as it takes: money owed back is never given up on.
/// </summary>
public sealed partial class RefundRequestedConsumer(
    NpgsqlDataSource dataSource, IOutbox outbox, PaymentRepository payments, PaymentReconciliation reconciliation, ILogger<RefundRequestedConsumer> logger)
    : InboxConsumer<RefundRequested>(dataSource, outbox)
{
    protected override async Task HandleAsync(ConsumeContext<RefundRequested> context, NpgsqlTransaction transaction)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        // Our fault if missing (PaymentSucceeded is only published with its row): throw, retry, then the error queue.
        var row = await payments.LockAsync(request.OrderId, transaction, cancellationToken)
            ?? throw new InvalidOperationException($"A refund was requested for order {request.OrderId}, which has no payment here");

        switch (Reconciliation.OnRefundRequested(row))
        {
            case RefundRequestAnswer.AlreadyRefunded:
                LogAlreadyRefunded(request.OrderId, row.RefundId);
                return;
            case RefundRequestAnswer.NothingCharged:
                LogNothingCharged(request.OrderId, row.Status);
                return;
        }

        if (row.PaymentId != request.PaymentId)
        {
            // Our row is the record of what we charged; refund that, and say the two disagreed.
            LogPaymentIdMismatch(request.OrderId, request.PaymentId, row.PaymentId);
        }

        await payments.RequestRefundAsync(request.OrderId, request.Reason, transaction, cancellationToken);
        await reconciliation.ReconcileAsync(row with { RefundReason = request.Reason }, transaction, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} was refunded already ({RefundId}); nothing to do")]
    private partial void LogAlreadyRefunded(Guid orderId, string? refundId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund requested for order {OrderId}, whose payment is {Status}: no charge of ours to refund")]
    private partial void LogNothingCharged(Guid orderId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund requested for order {OrderId} names payment {Requested}, ours is {Recorded}; refunding ours")]
    private partial void LogPaymentIdMismatch(Guid orderId, string requested, string? recorded);
}
