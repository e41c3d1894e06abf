using System.Collections.Concurrent;

namespace Platform.Gateway.WaitingRoom;

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
