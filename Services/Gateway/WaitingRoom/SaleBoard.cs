using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Platform.Gateway.Options;

namespace Platform.Gateway.WaitingRoom;

/// <summary>
/// This replica's picture of every sale, refreshed from Redis a few times a second (<see cref="SaleBoardRefresher"/>):
/// what <c>status</c> and the order gate read instead of Redis. A buyer's place and final outcome never change once
/// known, so they are remembered (bounded by <see cref="WaitingRoomOptions.MaxRememberedBuyers"/> per sale).
/// </summary>
internal sealed class SaleBoard(IOptions<WaitingRoomOptions> options, TimeProvider time)
{
    private FrozenDictionary<string, SaleView> _sales = FrozenDictionary<string, SaleView>.Empty;
    private TaskCompletionSource _refreshed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _refreshedAt; // 0: never read

    public IReadOnlyCollection<SaleView> Sales => _sales.Values;

    /// <summary>True while any sale gates its products: the order gate has nothing to do otherwise.</summary>
    public bool AnyGating { get; private set; }

    /// <summary>
    /// Whether this picture can be trusted to say which products are on sale: read at least once, and not longer ago
    /// than <see cref="WaitingRoomOptions.BoardStaleAfter"/>. A replica that started while Redis was unreachable, or
    /// lost it since, does not know whether a sale opened meanwhile, so the gate lets no order through (fail closed).
    /// </summary>
    public bool IsCurrent => Volatile.Read(ref _refreshedAt) is var at && at != 0 && time.GetElapsedTime(at) <= options.Value.BoardStaleAfter;

    /// <summary>Waits (up to four refresh intervals) for a first picture, when none has been read yet.</summary>
    public async ValueTask<bool> WaitUntilCurrentAsync(CancellationToken cancellationToken)
    {
        if (!IsCurrent && Volatile.Read(ref _refreshedAt) == 0)
        {
            await _refreshed.Task.WaitAsync(options.Value.RefreshInterval * 4, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return IsCurrent;
    }

    public SaleView? Find(string saleId) => _sales.GetValueOrDefault(saleId);

    /// <summary>The sale, waiting for the next refresh if this replica does not know it yet (opened a moment ago).</summary>
    public ValueTask<SaleView?> FindAsync(string saleId, CancellationToken cancellationToken) =>
        Find(saleId) is { } sale ? ValueTask.FromResult<SaleView?>(sale)
        : Apis.SalesApi.IsSaleId(saleId) ? FindAfterRefreshAsync(saleId, cancellationToken)
        : ValueTask.FromResult<SaleView?>(null);

    private async ValueTask<SaleView?> FindAfterRefreshAsync(string saleId, CancellationToken cancellationToken)
    {
        await _refreshed.Task.WaitAsync(options.Value.RefreshInterval * 4, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return Find(saleId);
    }

    /// <summary>The sale gating <paramref name="productId"/> (open or sold out), if any.</summary>
    public SaleView? GatingSaleOf(int productId)
    {
        foreach (var sale in _sales.Values)
        {
            if (sale.Snapshot.Gates && sale.Snapshot.ProductIds.Contains(productId))
            {
                return sale;
            }
        }

        return null;
    }

    public void Update(IReadOnlyList<SaleSnapshot> snapshots)
    {
        var now = time.GetTimestamp();
        var current = _sales;
        _sales = snapshots.ToFrozenDictionary(s => s.Id, s =>
        {
            var view = current.GetValueOrDefault(s.Id) ?? new SaleView(options.Value.MaxRememberedBuyers);
            view.Observe(s, now, time);
            return view;
        });
        AnyGating = snapshots.Any(s => s.Gates);
        Volatile.Write(ref _refreshedAt, now);
        Interlocked.Exchange(ref _refreshed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
