using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.IntegrationEvents;
using Platform.Locking;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;
using Platform.Payment.Infrastructure;
using Platform.Payment.Model;

namespace Platform.Payment.IntegrationEvents;

/// <summary>
/// Charges an order once: the inbox drops a redelivered message, the lock <c>payment:{orderId}</c> serialises
/// consumers of the same order, its fencing token guards the row, the primary key allows one row per order, and
/// the provider's idempotency key makes a repeated call return the first charge.
/// </summary>
public sealed class PaymentRequestedConsumer(
    NpgsqlDataSource dataSource,
    IDistributedLockProvider locks,
    PaymentRepository payments,
    PaymentProviderClient provider,
    IOutbox outbox,
    IOptions<PaymentOptions> options,
    TimeProvider timeProvider,
    ILogger<PaymentRequestedConsumer> logger) : InboxConsumer<PaymentRequested>(dataSource, outbox)
{

    protected override async Task HandleAsync(ConsumeContext<PaymentRequested> context, NpgsqlTransaction transaction)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        await using var held = await locks.TryAcquireAsync($"payment:{request.OrderId}", options.Value.LockWait, cancellationToken: cancellationToken)
            ?? throw new PaymentNotDecidedException($"order {request.OrderId} is locked by another consumer");

        var row = await payments.ClaimAsync(request.OrderId, request.BuyerId, request.Amount, held.FencingToken, transaction, cancellationToken)
            ?? throw new PaymentNotDecidedException($"a newer lock holder owns order {request.OrderId}");
        if (row.IsDecided)
        {
            // Another request for an order already decided: answer with the recorded outcome, never charge again.
            logger.LogInformation("Order {OrderId} was already {Status}; repeating the outcome", request.OrderId, row.Status);
            await PublishOutcomeAsync(request, row.PaymentId, row.FailureReason, row.Amount, transaction, cancellationToken);
            return;
        }

        using var callScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.LeaseLost);
        var attempt = await provider.ChargeAsync(request.OrderId, request.Amount, callScope.Token);
        var decision = PaymentDecision.Decide(attempt, MessageAge(context), options.Value.GiveUpAfter);
        var (status, paymentId, reason, reconcileIn) = decision switch
        {
            PaymentDecision.Succeed succeed => (PaymentStatus.Succeeded, succeed.PaymentId, (string?)null, (TimeSpan?)null),
            PaymentDecision.Fail { MayHaveCharged: true } fail => (PaymentStatus.Failed, null, fail.Reason, options.Value.ReconcileDelay),
            PaymentDecision.Fail fail => (PaymentStatus.Failed, null, fail.Reason, null),
            PaymentDecision.Retry retry => throw NotDecidedYet(request.OrderId, retry.Reason),
            _ => throw new InvalidOperationException($"Unknown decision {decision}"),
        };

        if (!held.IsHeld || !await payments.CompleteAsync(request.OrderId, held.FencingToken, status, paymentId, reason, reconcileIn, transaction, cancellationToken))
        {
            throw new PaymentNotDecidedException($"lost the lock on order {request.OrderId} before recording the outcome");
        }

        if (reconcileIn is { } delay)
        {
            logger.LogWarning("Order {OrderId} payment given up ({Reason}); a timed-out attempt may have charged, reconciling in {Delay}", request.OrderId, reason, delay);
        }
        else
        {
            logger.LogInformation("Order {OrderId} payment {Status} ({PaymentId}{Reason})", request.OrderId, status, paymentId, reason);
        }

        await PublishOutcomeAsync(request, paymentId, reason, request.Amount, transaction, cancellationToken);
    }

    /// <summary>
    /// The order is told PaymentSucceeded exactly when no failure was recorded, so a repeat of a refunded row
    /// repeats what the order heard the first time. Either answer names the request's id, which the order checks.
    /// </summary>
    private async Task PublishOutcomeAsync(PaymentRequested request, string? paymentId, string? reason, decimal amount, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (reason is null && paymentId is not null)
        {
            await Outbox.AddAsync(new PaymentSucceeded(request.OrderId, paymentId, amount, request.PaymentRequestId), transaction, cancellationToken);
        }
        else
        {
            await Outbox.AddAsync(new PaymentFailed(request.OrderId, reason ?? PaymentDecision.ProviderUnavailable, request.PaymentRequestId), transaction, cancellationToken);
        }
    }

    /// <summary>Debug, not Information: during a provider outage every pending order says it at each retry.</summary>
    private PaymentNotDecidedException NotDecidedYet(Guid orderId, string reason)
    {
        logger.LogDebug("Order {OrderId}: payment not decided ({Reason}); tried again later", orderId, reason);
        return new PaymentNotDecidedException($"order {orderId}: {reason}");
    }

    /// <summary>Counted from the first publication: redeliveries and retries keep the original SentTime.</summary>
    private TimeSpan MessageAge(ConsumeContext context) =>
        context.SentTime is { } sent ? timeProvider.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc)) : TimeSpan.Zero;
}
