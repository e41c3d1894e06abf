using Microsoft.Extensions.Options;
using Platform.Gateway.Options;
using Platform.Locking;
using StackExchange.Redis;

namespace Platform.Gateway.WaitingRoom;

/// <summary>
/// The one logical admitter across the gateway's replicas: whichever replica holds the lease admits every open sale,
/// each step passing the lease's fencing token to the script, which refuses a token lower than the last it saw. So a
/// replica that lost its lease without noticing (paused, partitioned) cannot admit, and nobody is admitted twice.
/// The rate's clock lives in the sale, so a new admitter continues where the last stopped.
/// </summary>
internal sealed class Admitter(
    IDistributedLockProvider locks, SaleBoard board, WaitingRoomStore store, WaitingRoomMetrics metrics, IOptions<WaitingRoomOptions> options,
    ILogger<Admitter> logger) : BackgroundService
{
    private const string Resource = "gateway:waiting-room:admitter";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lease = await locks.TryAcquireAsync(Resource, lease: settings.AdmitterLease, cancellationToken: stoppingToken);
                if (lease is null)
                {
                    await Task.Delay(settings.AdmitterLease / 3, stoppingToken);
                    continue;
                }

                logger.LogInformation("This replica admits buyers now (fence {Fence}).", lease.FencingToken);
                using var working = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.LeaseLost);
                await AdmitWhileHeldAsync(lease.FencingToken, working.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
            {
                logger.LogWarning(ex, "Admitting stopped; trying for the lease again.");
                await Task.Delay(settings.AdmitterLease / 3, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task AdmitWhileHeldAsync(long fence, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.AdmitInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var sale in board.Sales)
            {
                // closed and sold-out sales too: their unused admissions still lapse
                if (await store.AdmitAsync(sale.Snapshot.Id, fence) is not { } step)
                {
                    logger.LogWarning("Another replica admits now (fence {Fence} refused); stepping down.", fence);
                    return;
                }

                metrics.Admitted(sale.Snapshot.Id, step.Admitted, step.Expired, step.Lapsed);
            }
        }
    }
}
