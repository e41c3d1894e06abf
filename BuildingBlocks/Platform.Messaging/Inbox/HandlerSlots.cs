namespace Platform.Messaging.Inbox;

/// <summary>
/// How many inbox handlers of one service run at once, across all its consumers: each holds a pooled database
/// connection and its transaction for the whole handler (some a second connection inside, or a lock wait and a
/// provider call), and MassTransit's own limits are per queue and grow with the cores. Without one bound for the
/// service, enough handlers could hold every pooled connection while each waits for another, and the API with them.
/// <c>Messaging:MaxConcurrentHandlers</c>; by default a third of the pool (<c>Database:MaxPoolSize</c>, 30: 10), so two
/// connections per handler still leave a third of the pool to requests, the outbox and maintenance (docs/messaging.md).
/// </summary>
public sealed class HandlerSlots
{
    public const string MaxConcurrentHandlersKey = "Messaging:MaxConcurrentHandlers";

    private readonly SemaphoreSlim _slots;
    private int _waiting;

    public HandlerSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        _slots = new SemaphoreSlim(count, count);
    }

    public int Count { get; }

    /// <summary>Handlers running now.</summary>
    public int InUse => Count - _slots.CurrentCount;

    /// <summary>Handlers waiting for a slot (their messages delivered, no connection taken yet).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new Slot(_slots);
    }

    public readonly struct Slot(SemaphoreSlim slots) : IDisposable
    {
        public void Dispose() => slots.Release();
    }
}
