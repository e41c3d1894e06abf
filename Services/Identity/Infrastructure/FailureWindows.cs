namespace Platform.Identity.Infrastructure;

/// <summary>
/// Counts per key in fixed windows: a window opens at a key's first count and lasts <paramref name="window"/>. At most
/// <paramref name="capacity"/> keys are kept: every window is as long as every other, so the oldest is also the one that
/// ends first, and a full table forgets that one to make room (a list in order of age makes each step O(1), where a
/// cache's compaction would scan, or refuse the new key and so stop counting exactly when flooded).
/// Not thread-safe: its owner holds one lock over all its tables, so a check and a count are one step.
/// </summary>
internal sealed class FailureWindows<TKey>(int capacity, TimeSpan window) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _byKey = [];
    private readonly LinkedList<Entry> _byAge = new();

    public int Tracked => _byKey.Count;

    /// <summary>The count in the key's open window and when that window ends; none: 0 and <paramref name="now"/>.</summary>
    public (int Count, DateTimeOffset Ends) Read(TKey key, DateTimeOffset now)
    {
        DropEnded(now);
        return _byKey.TryGetValue(key, out var node) ? (node.Value.Count, node.Value.Ends) : (0, now);
    }

    public void Add(TKey key, DateTimeOffset now)
    {
        DropEnded(now);
        if (_byKey.TryGetValue(key, out var node))
        {
            node.Value.Count++;
            return;
        }

        if (_byKey.Count >= capacity)
        {
            _byKey.Remove(_byAge.First!.Value.Key);
            _byAge.RemoveFirst();
        }

        _byKey[key] = _byAge.AddLast(new Entry(key, now + window) { Count = 1 });
    }

    /// <summary>One count fewer (an attempt that turned out to succeed); the window keeps its end.</summary>
    public void TakeBack(TKey key)
    {
        if (_byKey.TryGetValue(key, out var node) && node.Value.Count > 0)
        {
            node.Value.Count--;
        }
    }

    public void Forget(TKey key)
    {
        if (_byKey.Remove(key, out var node))
        {
            _byAge.Remove(node);
        }
    }

    private void DropEnded(DateTimeOffset now)
    {
        while (_byAge.First is { } oldest && oldest.Value.Ends <= now)
        {
            _byKey.Remove(oldest.Value.Key);
            _byAge.RemoveFirst();
        }
    }

    private sealed class Entry(TKey key, DateTimeOffset ends)
    {
        public TKey Key { get; } = key;

        public DateTimeOffset Ends { get; } = ends;

        public int Count { get; set; }
    }
}
