using Microsoft.Extensions.Options;
using Platform.Gateway.Options;
using StackExchange.Redis;

namespace Platform.Gateway.WaitingRoom;

/// <summary>Keeps <see cref="SaleBoard"/> current: one pipelined read of every sale per interval, and the heartbeats
/// of the buyers who polled since the last, one script call per sale. While Redis is unreachable the board keeps its
/// last picture (status keeps answering; nobody is admitted meanwhile, since admitting needs Redis too).</summary>
internal sealed class SaleBoardRefresher(SaleBoard board, WaitingRoomStore store, IOptions<WaitingRoomOptions> options, ILogger<SaleBoardRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var sale in board.Sales)
                {
                    if (sale.TakePolled() is { Count: > 0 } polled)
                    {
                        await store.HeartbeatAsync(sale.Snapshot.Id, polled);
                    }
                }

                board.Update(await store.ReadAllAsync());
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Refreshing the waiting room's sales failed; answering from the last picture.");
            }

            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
