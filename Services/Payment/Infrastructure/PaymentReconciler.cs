using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Messaging.Outbox;
using Platform.Payment.Model;

namespace Platform.Payment.Infrastructure;

/// <summary>
/// Every <see cref="PaymentOptions.ReconcileInterval"/>, settles the payments whose money must be checked or sent
/// back, one row per transaction. Replicas share the work through <c>FOR UPDATE SKIP LOCKED</c>; should two ever
/// refund the same order, the provider's refund key makes it one refund.
/// </summary>
internal sealed partial class PaymentReconciler(
    IServiceScopeFactory scopes, NpgsqlDataSource dataSource, PaymentRepository payments, IOutbox outbox, IOptions<PaymentOptions> options, ILogger<PaymentReconciler> logger)
    : BackgroundService
{
    // Bounds one round, so a row rescheduled for "now" cannot keep a round going forever.
    private const int MaxRowsPerRound = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                LogRoundDone(await RunRoundAsync(stoppingToken));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The row's transaction rolled back, so it is still due: the next round tries again. An exception
                // escaping a BackgroundService would stop the whole service, charging included.
                LogRoundFailed(ex);
            }
        }
    }

    /// <summary>One round; returns how many rows it settled or rescheduled.</summary>
    private async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var reconciliation = scope.ServiceProvider.GetRequiredService<PaymentReconciliation>();
        var rows = 0;
        while (rows < MaxRowsPerRound)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await payments.ClaimDueAsync(transaction, cancellationToken) is not { } row)
            {
                return rows;
            }

            var step = await reconciliation.ReconcileAsync(row, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outbox.NotifyCommitted(); // a refund's announcement leaves now, not at the outbox's next poll
            rows++;
            if (step is ReconcileStep.RetryLater { After: null })
            {
                // The provider is unavailable: the other rows would only find the same, and feed its breaker.
                return rows;
            }
        }

        return rows;
    }

    /// <summary>What a test waits for to see that rounds ran and did nothing more (Debug: one line a second otherwise).</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment reconciliation round done ({Rows} rows)")]
    private partial void LogRoundDone(int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment reconciliation round failed; the next round retries")]
    private partial void LogRoundFailed(Exception exception);
}
