namespace Platform.Redis;

/// <summary>
/// One handler registered with <see cref="RedisConnection.SubscribeAsync(string, Action{string, RedisValue}, CancellationToken)"/>
/// or <see cref="RedisConnection.PSubscribeAsync(string, Action{string, RedisValue}, CancellationToken)"/>.
/// Disposing it removes the handler, and unsubscribes the channel when it was the last one.
/// </summary>
public sealed class RedisSubscription : IAsyncDisposable
{
    private readonly RedisConnection _connection;
    private int _disposed;

    internal RedisSubscription(RedisConnection connection, string channel, bool isPattern, Func<string, RedisValue, ValueTask> handler)
    {
        _connection = connection;
        Channel = channel;
        IsPattern = isPattern;
        Handler = handler;
    }

    /// <summary>The channel name, or the pattern for pattern subscriptions.</summary>
    public string Channel { get; }

    public bool IsPattern { get; }

    internal Func<string, RedisValue, ValueTask> Handler { get; }

    /// <summary>Removes the handler (and sends UNSUBSCRIBE when no handler is left for the channel).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _connection.RemoveSubscriptionAsync(this).ConfigureAwait(false);
        }
    }
}
