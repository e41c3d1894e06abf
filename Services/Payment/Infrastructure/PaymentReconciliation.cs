using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Messaging.Outbox;
using Platform.Payment.Model;

namespace Platform.Payment.Infrastructure;

/// <summary>
/// Settles one row that needs reconciliation, locked by the caller's transaction: looks the charge up when we gave
/// up without an answer, refunds what was charged, and records the result. Transient: it holds a typed HTTP client.
/// </summary>
public sealed partial class PaymentReconciliation(
    PaymentRepository payments, PaymentProviderClient provider, IOutbox outbox, IOptions<PaymentOptions> options, ILogger<PaymentReconciliation> logger)
{
    /// <returns>The step recorded: <see cref="ReconcileStep.RetryLater"/> when the row stays for a later round.</returns>
    public async Task<ReconcileStep> ReconcileAsync(PaymentRecord row, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var step = Reconciliation.Start(row);
        var charged = row.Amount;
        if (step is ReconcileStep.LookUp)
        {
            var lookup = await provider.FindChargeAsync(row.OrderId, cancellationToken);
            charged = lookup is ChargeLookup.Found found ? found.Amount : charged; // a conflicting key held another amount
            step = Reconciliation.AfterLookup(lookup);
        }

        if (step is ReconcileStep.Refund refund)
        {
            step = Reconciliation.AfterRefund(refund.ChargeId, await provider.RefundAsync(row.OrderId, refund.ChargeId, cancellationToken));
        }

        switch (step)
        {
            case ReconcileStep.SettleNoCharge:
                await payments.SettleNoChargeAsync(row.OrderId, transaction, cancellationToken);
                LogNoCharge(row.OrderId);
                break;
            case ReconcileStep.MarkRefunded refunded:
                // A given-up payment whose charge turned up had no refund reason of its own.
                var reason = row.RefundReason ?? $"charged after giving up ({row.FailureReason})";
                await payments.MarkRefundedAsync(row.OrderId, refunded.ChargeId, refunded.RefundId, reason, transaction, cancellationToken);
                LogRefunded(row.OrderId, refunded.ChargeId, refunded.RefundId ?? "refunded elsewhere");
                await AnnounceRefundAsync(row, refunded, charged, reason, transaction, cancellationToken);
                break;
            case ReconcileStep.RetryLater later:
                await payments.RescheduleAsync(row.OrderId, later.After ?? options.Value.ReconcileInterval, transaction, cancellationToken);
                if (later.After is null)
                {
                    LogRetryLater(row.OrderId, later.Reason);
                }
                else
                {
                    LogRefused(row.OrderId, later.Reason, later.After.Value);
                }

                break;
            default:
                throw new InvalidOperationException($"Reconciliation of order {row.OrderId} stopped at {step}");
        }

        return step;
    }

    /// <summary>The buyer hears of it like of any other step (notification), in the transaction that records it.</summary>
    private async Task AnnounceRefundAsync(
        PaymentRecord row, ReconcileStep.MarkRefunded refunded, decimal amount, string reason, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (row.BuyerId is null)
        {
            LogRefundUnannounced(row.OrderId);
            return;
        }

        await outbox.AddAsync(new PaymentRefunded(row.OrderId, row.BuyerId, refunded.ChargeId, refunded.RefundId, amount, reason), transaction, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: refunded, but its payment predates buyer ids; no notification")]
    private partial void LogRefundUnannounced(Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: no charge at the provider; reconciled without a refund")]
    private partial void LogNoCharge(Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: charge {ChargeId} refunded ({RefundId})")]
    private partial void LogRefunded(Guid orderId, string chargeId, string refundId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: reconciliation waits for the provider ({Reason})")]
    private partial void LogRetryLater(Guid orderId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId}: the provider refused reconciliation ({Reason}); a person must look; retrying in {After}")]
    private partial void LogRefused(Guid orderId, string reason, TimeSpan after);
}
