using Microsoft.Extensions.Options;

namespace Platform.Catalog.Infrastructure;

/// <summary>Cached product reads. Reports where each answer came from for <c>X-Cache</c>.</summary>
public sealed class CatalogReader
{
    private readonly ITwoLevelCache _cache;
    private readonly CatalogRepository _repository;
    private readonly CatalogCacheMode _mode;
    private readonly CacheEntryOptions _itemOptions;
    private readonly CacheEntryOptions _pageOptions;

    public CatalogReader(ITwoLevelCache cache, CatalogRepository repository, IOptions<CatalogCacheOptions> options)
    {
        _cache = cache;
        _repository = repository;
        var settings = options.Value;
        _mode = settings.Mode;
        _itemOptions = settings.ItemEntry();
        _pageOptions = new CacheEntryOptions { Duration = settings.PageDuration, LocalDuration = settings.LocalDurationOverride, Size = 10 };
    }

    public CatalogCacheMode Mode => _mode;

    public async ValueTask<(CatalogItem? Item, CacheOutcome Outcome)> GetItemAsync(int id, CancellationToken cancellationToken)
    {
        if (_mode == CatalogCacheMode.None)
        {
            return (await _repository.GetAsync(id, cancellationToken), CacheOutcome.Miss);
        }

        var load = new ItemLoad(_repository, id);
        var pending = _cache.GetOrCreateAsync(CatalogCacheKeys.Item(id), load, static (l, ct) => l.RunAsync(ct), _itemOptions, null, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            // the L1 hit path completes synchronously; any other path awaits Redis or the database
            return (pending.Result, load.Ran ? CacheOutcome.Miss : CacheOutcome.HitL1);
        }

        var item = await pending;
        return (item, load.Ran ? CacheOutcome.Miss : CacheOutcome.HitL2);
    }

    public async ValueTask<(CatalogPage Page, CacheOutcome Outcome)> GetPageAsync(ListingFilter filter, int filterId, int afterId, int limit, CancellationToken cancellationToken)
    {
        if (_mode == CatalogCacheMode.None)
        {
            return (await _repository.ListAsync(filter, filterId, afterId, limit, cancellationToken), CacheOutcome.Miss);
        }

        var load = new PageLoad(_repository, filter, filterId, afterId, limit);
        var pending = _cache.GetOrCreateAsync(
            CatalogCacheKeys.Page(filter, filterId, afterId, limit), load, static (l, ct) => l.RunAsync(ct), _pageOptions, [CatalogCacheKeys.ListingTag(filter, filterId)], cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return (pending.Result, load.Ran ? CacheOutcome.Miss : CacheOutcome.HitL1);
        }

        var page = await pending;
        return (page, load.Ran ? CacheOutcome.Miss : CacheOutcome.HitL2);
    }

    /// <summary>State of one read: records whether the factory ran (a miss) so the caller can tell.</summary>
    private sealed class ItemLoad(CatalogRepository repository, int id)
    {
        private volatile bool _ran;

        public bool Ran => _ran;

        public async ValueTask<CatalogItem?> RunAsync(CancellationToken cancellationToken)
        {
            _ran = true;
            return await repository.GetAsync(id, cancellationToken);
        }
    }

    private sealed class PageLoad(CatalogRepository repository, ListingFilter filter, int filterId, int afterId, int limit)
    {
        private volatile bool _ran;

        public bool Ran => _ran;

        public async ValueTask<CatalogPage> RunAsync(CancellationToken cancellationToken)
        {
            _ran = true;
            return await repository.ListAsync(filter, filterId, afterId, limit, cancellationToken);
        }
    }
}
