using Microsoft.Extensions.Logging;
using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

public sealed partial class RedisConnection
{
    /// <summary>
    /// Subscribes to a channel on the pub/sub connection (opened on first use). The handler runs on a single
    /// dispatch loop, one message at a time in arrival order; exceptions it throws are logged and swallowed.
    /// The subscription is restored automatically after a reconnection. Dispose the result to unsubscribe.
    /// </summary>
    public Task<RedisSubscription> SubscribeAsync(string channel, Action<string, RedisValue> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SubscribeCoreAsync(channel, isPattern: false, (c, m) => { handler(c, m); return ValueTask.CompletedTask; }, cancellationToken);
    }

    /// <summary>Subscribes with an asynchronous handler (awaited before the next message is dispatched).</summary>
    public Task<RedisSubscription> SubscribeAsync(string channel, Func<string, RedisValue, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SubscribeCoreAsync(channel, isPattern: false, (c, m) => new ValueTask(handler(c, m)), cancellationToken);
    }

    /// <summary>PSUBSCRIBE: like <see cref="SubscribeAsync(string, Action{string, RedisValue}, CancellationToken)"/> for a glob pattern; the handler gets the actual channel.</summary>
    public Task<RedisSubscription> PSubscribeAsync(string pattern, Action<string, RedisValue> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SubscribeCoreAsync(pattern, isPattern: true, (c, m) => { handler(c, m); return ValueTask.CompletedTask; }, cancellationToken);
    }

    private async Task<RedisSubscription> SubscribeCoreAsync(string channel, bool isPattern, Func<string, RedisValue, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var subscription = new RedisSubscription(this, channel, isPattern, handler);
        var bridge = EnsureSubscriber();
        if (!Subscriptions.Add(subscription))
        {
            return subscription;
        }

        try
        {
            var message = SubscriptionManager.CreateCommand(isPattern ? Commands.PSUBSCRIBE : Commands.SUBSCRIBE, channel, TimeoutTicks);
            await SubmitTo(bridge, message, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (Subscriptions.Remove(subscription))
            {
                _ = SendUnsubscribeAsync(bridge, channel, isPattern);
            }

            throw;
        }

        return subscription;
    }

    /// <summary>Removes every handler of a channel and unsubscribes it.</summary>
    public async Task UnsubscribeAsync(string channel, bool isPattern = false)
    {
        var bridge = Volatile.Read(ref _subscriber);
        if (bridge is null || !Subscriptions.RemoveAll(channel, isPattern))
        {
            return;
        }

        await SendUnsubscribeAsync(bridge, channel, isPattern).ConfigureAwait(false);
    }

    internal async Task RemoveSubscriptionAsync(RedisSubscription subscription)
    {
        var bridge = Volatile.Read(ref _subscriber);
        if (bridge is not null && Subscriptions.Remove(subscription))
        {
            await SendUnsubscribeAsync(bridge, subscription.Channel, subscription.IsPattern).ConfigureAwait(false);
        }
    }

    private async Task SendUnsubscribeAsync(ConnectionBridge bridge, string channel, bool isPattern)
    {
        if (Volatile.Read(ref _disposed) != 0 || bridge.State != RedisConnectionState.Connected)
        {
            return; // nothing to undo: a new connection only subscribes to what is registered
        }

        try
        {
            var message = SubscriptionManager.CreateCommand(isPattern ? Commands.PUNSUBSCRIBE : Commands.UNSUBSCRIBE, channel, TimeoutTicks);
            await SubmitTo(bridge, message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            _logger.LogDebug(ex, "UNSUBSCRIBE {Channel} failed.", channel);
        }
    }

    private ConnectionBridge EnsureSubscriber()
    {
        var bridge = Volatile.Read(ref _subscriber);
        if (bridge is not null)
        {
            return bridge;
        }

        lock (_subscriberLock)
        {
            if (_subscriber is null)
            {
                bridge = new ConnectionBridge(this, isSubscriber: true, _logger);
                Volatile.Write(ref _subscriber, bridge);
                bridge.Start();
            }

            return _subscriber;
        }
    }
}
