using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;

namespace Platform.Catalog.Infrastructure;

/// <summary>Cached product reads (FusionCache: memory, then Redis, then PostgreSQL). Reports where each answer came from for <c>X-Cache</c>.</summary>
public sealed class CatalogReader
{
    private readonly IFusionCache _cache;
    private readonly CatalogRepository _repository;
    private readonly CatalogCacheMode _mode;
    private readonly FusionCacheEntryOptions _itemOptions;
    private readonly FusionCacheEntryOptions _pageOptions;
    private readonly TimeSpan _itemFreshness;
    private readonly TimeSpan _pageFreshness;

    public CatalogReader(IFusionCache cache, CatalogRepository repository, IOptions<CatalogCacheOptions> options)
    {
        _cache = cache;
        _repository = repository;
        var settings = options.Value;
        _mode = settings.Mode;
        _itemOptions = settings.ItemEntry();
        _pageOptions = settings.PageEntry();
        // what a value's own freshness stamp allows for: its lifetime plus the jitter its memory copy may get
        _itemFreshness = settings.ItemDuration + settings.JitterMaxDuration;
        _pageFreshness = settings.PageDuration + settings.JitterMaxDuration;
    }

    public CatalogCacheMode Mode => _mode;

    public ValueTask<(CatalogItem? Item, CacheOutcome Outcome)> GetItemAsync(int id, CancellationToken cancellationToken)
    {
        if (_mode == CatalogCacheMode.None)
        {
            return FromDatabaseAsync(_repository.GetAsync(id, cancellationToken));
        }

        var pending = _cache.GetOrSetAsync<Cached<CatalogItem>>(
            CatalogCacheKeys.Item(id),
            (context, ct) => Cached<CatalogItem>.ProduceAsync(context, () => _repository.GetAsync(id, ct), _itemFreshness),
            _itemOptions,
            cancellationToken);
        // a memory hit completes synchronously: no state machine on the hot path
        return pending.IsCompletedSuccessfully ? ValueTask.FromResult(Read(pending.Result)) : AwaitAsync(pending);

        static async ValueTask<(CatalogItem?, CacheOutcome)> AwaitAsync(ValueTask<Cached<CatalogItem>> pending) => Read(await pending);
    }

    public async ValueTask<(CatalogPage Page, CacheOutcome Outcome)> GetPageAsync(ListingFilter filter, int filterId, int afterId, int limit, CancellationToken cancellationToken)
    {
        if (_mode == CatalogCacheMode.None)
        {
            return (await _repository.ListAsync(filter, filterId, afterId, limit, cancellationToken), CacheOutcome.Miss);
        }

        var cached = await _cache.GetOrSetAsync<Cached<CatalogPage>>(
            CatalogCacheKeys.Page(filter, filterId, afterId, limit),
            (context, ct) => Cached<CatalogPage>.ProduceAsync(context, async () => await _repository.ListAsync(filter, filterId, afterId, limit, ct), _pageFreshness),
            _pageOptions,
            [CatalogCacheKeys.ListingTag(filter, filterId)],
            cancellationToken);
        return (cached.Value!, cached.Claim());
    }

    /// <summary>Caches what the warm-up read in bulk, unless another replica already did (its value is reused, not replaced).</summary>
    public ValueTask WarmAsync(CatalogItem? item, int id, CancellationToken cancellationToken) =>
        _mode == CatalogCacheMode.None ? ValueTask.CompletedTask : new ValueTask(_cache.GetOrSetAsync<Cached<CatalogItem>>(
            CatalogCacheKeys.Item(id), (_, _) => Task.FromResult(Cached<CatalogItem>.Preload(item, _itemFreshness)), _itemOptions, cancellationToken).AsTask());

    private static (CatalogItem?, CacheOutcome) Read(Cached<CatalogItem> cached) => (cached.Value, cached.Claim());

    private static async ValueTask<(CatalogItem?, CacheOutcome)> FromDatabaseAsync(Task<CatalogItem?> query) => (await query, CacheOutcome.Miss);
}
