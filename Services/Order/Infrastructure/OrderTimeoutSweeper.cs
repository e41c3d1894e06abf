using Microsoft.Extensions.Options;

namespace Platform.Order.Infrastructure;

/// <summary>Cancels orders stuck past their timeout (a lost reservation, a provider down for too long).</summary>
internal sealed partial class OrderTimeoutSweeper(OrderRepository orders, IOptions<OrderingOptions> options, ILogger<OrderTimeoutSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var cancelled = await orders.TimeOutStaleOrdersAsync(options.Value.OrderTimeout, 100, stoppingToken);
                if (cancelled > 0)
                {
                    LogTimedOut(cancelled);
                }
            }
            catch (Exception ex) when (ex is global::Npgsql.NpgsqlException or TimeoutException)
            {
                LogSweepFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled {Count} orders past their timeout")]
    private partial void LogTimedOut(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order timeout sweep failed; will retry")]
    private partial void LogSweepFailed(Exception exception);
}
