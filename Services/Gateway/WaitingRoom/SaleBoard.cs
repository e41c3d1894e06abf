using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;

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

    public IReadOnlyCollection<SaleView> Sales => _sales.Values;

    /// <summary>True while any sale gates its products: the order gate has nothing to do otherwise.</summary>
    public bool AnyGating { get; private set; }

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
        Interlocked.Exchange(ref _refreshed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

/// <summary>One sale as this replica sees it: the last snapshot, the measured admission rate, and what it remembers of buyers.</summary>
internal sealed class SaleView(int maxRemembered)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);
    private readonly Queue<(long Timestamp, long Admitted)> _history = new();
    private readonly ConcurrentDictionary<string, long> _places = new();
    private readonly ConcurrentDictionary<string, (AdmissionRecord Record, string? Token)> _outcomes = new();
    private ConcurrentDictionary<string, byte> _polled = new();

    public SaleSnapshot Snapshot { get; private set; } = null!;

    /// <summary>Buyers admitted per second over the last few seconds, as seen from here (0 until measured).</summary>
    public double MeasuredRate { get; private set; }

    public void Observe(SaleSnapshot snapshot, long timestamp, TimeProvider time)
    {
        Snapshot = snapshot;
        lock (_history)
        {
            _history.Enqueue((timestamp, snapshot.Admitted + snapshot.Expired));
            while (_history.Count > 2 && time.GetElapsedTime(_history.Peek().Timestamp, timestamp) > RateWindow)
            {
                _history.Dequeue();
            }

            var (firstAt, first) = _history.Peek();
            var seconds = time.GetElapsedTime(firstAt, timestamp).TotalSeconds;
            MeasuredRate = seconds > 0.5 ? (snapshot.Admitted + snapshot.Expired - first) / seconds : MeasuredRate;
        }
    }

    public bool TryGetPlace(string buyer, out long place) => _places.TryGetValue(buyer, out place);

    public void RememberPlace(string buyer, long place)
    {
        if (_places.Count < maxRemembered)
        {
            _places[buyer] = place;
        }
    }

    /// <summary>A place that was given up (expired, lapsed) and may be replaced by a new one on the next join.</summary>
    public void Forget(string buyer)
    {
        _places.TryRemove(buyer, out _);
        _outcomes.TryRemove(buyer, out _);
    }

    public bool TryGetOutcome(string buyer, out (AdmissionRecord Record, string? Token) outcome) => _outcomes.TryGetValue(buyer, out outcome);

    public void RememberOutcome(string buyer, AdmissionRecord record, string? token)
    {
        if (_outcomes.Count < maxRemembered)
        {
            _outcomes[buyer] = (record, token);
        }
    }

    /// <summary>Notes that a buyer polled: sent to Redis with the others in the next heartbeat.</summary>
    public void Polled(string buyer) => _polled.TryAdd(buyer, 0);

    public IReadOnlyCollection<string> TakePolled() => Interlocked.Exchange(ref _polled, new ConcurrentDictionary<string, byte>()).Keys.ToArray();
}
