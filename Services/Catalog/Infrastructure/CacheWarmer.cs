using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Platform.Catalog.Infrastructure;

/// <summary>
/// Fills the cache after start-up with the products most likely to be read, in bounded batches, logging progress.
/// It runs once the host has started, so <c>/alive</c> and <c>/health</c> answer meanwhile; a failure only logs.
/// </summary>
public sealed class CacheWarmer(
    IHostApplicationLifetime lifetime,
    CatalogRepository repository,
    BestsellerRanking bestsellers,
    CatalogReader reader,
    IOptions<CatalogCacheOptions> cacheOptions,
    IOptions<CacheWarmUpOptions> options,
    ILogger<CacheWarmer> logger) : BackgroundService
{
    private readonly TaskCompletionSource<int> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The number of products warmed, once done.</summary>
    public Task<int> Completed => _completed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || settings.Count <= 0 || cacheOptions.Value.Mode == CatalogCacheMode.None)
        {
            _completed.TrySetResult(0);
            return;
        }

        try
        {
            await WaitForStartedAsync(stoppingToken);
            _completed.TrySetResult(await WarmAsync(settings, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completed.TrySetResult(0);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Cache warm-up stopped early; reads fill the cache on demand.");
            _completed.TrySetResult(0);
        }
    }

    private async Task<int> WarmAsync(CacheWarmUpOptions settings, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        var ids = await CandidatesAsync(settings.Count, stoppingToken);
        logger.LogInformation("Cache warm-up: loading {Count} products in batches of {BatchSize}.", ids.Count, settings.BatchSize);
        var warmed = 0;
        foreach (var batch in ids.Chunk(Math.Max(1, settings.BatchSize)))
        {
            var rows = (await repository.GetManyAsync(batch, stoppingToken)).ToDictionary(i => i.Id);
            // GetOrCreate, not Set: a value another replica already stored is reused instead of evicting its copies
            await Task.WhenAll(batch.Select(id => reader.WarmAsync(rows.GetValueOrDefault(id), id, stoppingToken).AsTask()));
            warmed += batch.Length;
            logger.LogInformation("Cache warm-up: {Warmed}/{Total} products.", warmed, ids.Count);
        }

        logger.LogInformation("Cache warm-up done: {Count} products in {Elapsed:F0} ms.", warmed, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return warmed;
    }

    private async Task<List<int>> CandidatesAsync(int count, CancellationToken stoppingToken)
    {
        var ids = new List<int>(count);
        try
        {
            ids.AddRange((await bestsellers.TopAsync(count, stoppingToken)).Select(b => b.ItemId));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogInformation("Cache warm-up: bestsellers unavailable ({Message}); warming the first products only.", ex.Message);
        }

        if (ids.Count < count)
        {
            var seen = ids.ToHashSet();
            ids.AddRange((await repository.FirstIdsAsync(count, stoppingToken)).Where(seen.Add).Take(count - ids.Count));
        }

        return ids;
    }

    private async Task WaitForStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }
}
