using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

/// <summary>
/// The channels and patterns this client is subscribed to, with their handlers. Survives reconnections: the
/// subscription bridge re-sends SUBSCRIBE/PSUBSCRIBE for every entry before it accepts new commands. Messages are
/// handed from the reader loop to a single dispatch loop, so handlers run one at a time, in arrival order, and a
/// slow handler never stalls the socket.
/// </summary>
internal sealed class SubscriptionManager
{
    private readonly Dictionary<(string Name, bool IsPattern), List<RedisSubscription>> _subscriptions = [];
    private readonly Channel<PushMessage> _queue = Channel.CreateUnbounded<PushMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly ILogger _logger;
    private readonly Task _dispatchLoop;

    public SubscriptionManager(ILogger logger)
    {
        _logger = logger;
        _dispatchLoop = DispatchLoopAsync();
    }

    private readonly record struct PushMessage(string? Pattern, string Channel, RedisValue Payload);

    /// <summary>Adds a handler; returns true if it is the first for its channel (so SUBSCRIBE must be sent).</summary>
    public bool Add(RedisSubscription subscription)
    {
        lock (_subscriptions)
        {
            var key = (subscription.Channel, subscription.IsPattern);
            if (!_subscriptions.TryGetValue(key, out var list))
            {
                _subscriptions[key] = [subscription];
                return true;
            }

            list.Add(subscription);
            return false;
        }
    }

    /// <summary>Removes a handler; returns true if it was the last for its channel (so UNSUBSCRIBE must be sent).</summary>
    public bool Remove(RedisSubscription subscription)
    {
        lock (_subscriptions)
        {
            var key = (subscription.Channel, subscription.IsPattern);
            if (!_subscriptions.TryGetValue(key, out var list) || !list.Remove(subscription))
            {
                return false;
            }

            if (list.Count == 0)
            {
                _subscriptions.Remove(key);
                return true;
            }

            return false;
        }
    }

    /// <summary>Removes every handler of a channel; returns true if there were any.</summary>
    public bool RemoveAll(string name, bool isPattern)
    {
        lock (_subscriptions)
        {
            return _subscriptions.Remove((name, isPattern));
        }
    }

    public bool IsSubscribed(string name, bool isPattern)
    {
        lock (_subscriptions)
        {
            return _subscriptions.ContainsKey((name, isPattern));
        }
    }

    public int Count
    {
        get
        {
            lock (_subscriptions)
            {
                return _subscriptions.Count;
            }
        }
    }

    public List<Message<bool>> CreateResubscribeMessages(long timeoutTicks)
    {
        lock (_subscriptions)
        {
            var messages = new List<Message<bool>>(_subscriptions.Count);
            foreach (var (name, isPattern) in _subscriptions.Keys)
            {
                messages.Add(CreateCommand(isPattern ? Commands.PSUBSCRIBE : Commands.SUBSCRIBE, name, timeoutTicks));
            }

            return messages;
        }
    }

    public static Message<bool> CreateCommand(CommandName command, string channel, long timeoutTicks)
    {
        var writer = new CommandWriter(command, 1);
        writer.Write(channel);
        return writer.ToMessage(ResultProcessors.Any, timeoutTicks);
    }

    /// <summary>Recognises <c>message</c> / <c>pmessage</c> pushes; everything else is a reply to a command.</summary>
    public bool TryHandlePush(in ReadOnlySequence<byte> frame)
    {
        var reader = new RespReader(frame);
        if (reader.PeekType() != (byte)'*')
        {
            return false;
        }

        reader.ReadType();
        long length = reader.ReadHeaderInteger();
        if (length is not (3 or 4) || reader.PeekType() != (byte)'$')
        {
            return false;
        }

        var kind = reader.ReadValue().AsMemory().Span;
        if (length == 3 && kind.SequenceEqual("message"u8))
        {
            var channel = reader.ReadValue().ToString();
            _queue.Writer.TryWrite(new PushMessage(null, channel, reader.ReadValue()));
            return true;
        }

        if (length == 4 && kind.SequenceEqual("pmessage"u8))
        {
            var pattern = reader.ReadValue().ToString();
            var channel = reader.ReadValue().ToString();
            _queue.Writer.TryWrite(new PushMessage(pattern, channel, reader.ReadValue()));
            return true;
        }

        return false;
    }

    private async Task DispatchLoopAsync()
    {
        await Task.Yield();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                RedisSubscription[] handlers;
                lock (_subscriptions)
                {
                    var key = (message.Pattern ?? message.Channel, message.Pattern is not null);
                    if (!_subscriptions.TryGetValue(key, out var list))
                    {
                        continue;
                    }

                    handlers = [.. list];
                }

                foreach (var subscription in handlers)
                {
                    try
                    {
                        await subscription.Handler(message.Channel, message.Payload).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        _logger.LogError(ex, "Redis pub/sub handler for {Channel} threw.", subscription.Channel);
                    }
                }
            }
        }
    }

    /// <summary>Stops dispatching; waits briefly for a running handler to return.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _dispatchLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
