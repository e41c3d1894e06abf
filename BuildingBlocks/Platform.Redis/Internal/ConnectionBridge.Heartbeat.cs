using System.Diagnostics;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

// Deadlines, keep-alive, failure messages and disposal.
internal sealed partial class ConnectionBridge
{
    public void OnHeartbeat(long now)
    {
        List<IMessage>? expired = null;
        PhysicalConnection? physical;
        RedisConnectionState state;
        int queued;
        lock (_lock)
        {
            physical = _physical;
            state = _state;
            int kept = 0;
            for (int i = 0; i < _outbound.Count; i++)
            {
                var message = _outbound[i];
                if (message.IsCompleted || now >= message.Deadline)
                {
                    if (!message.IsCompleted)
                    {
                        (expired ??= []).Add(message);
                    }
                    else
                    {
                        message.ReleasePayload();
                    }

                    continue;
                }

                _outbound[kept++] = message;
            }

            if (kept < _outbound.Count)
            {
                _outbound.RemoveRange(kept, _outbound.Count - kept);
            }

            queued = _outbound.Count;
        }

        if (expired is not null)
        {
            foreach (var message in expired)
            {
                message.ReleasePayload();
                message.Fail(state == RedisConnectionState.Connected
                    ? CreateTimeoutException(message, queued + expired.Count, sent: false, physical?.LastReadTimestamp ?? now, now)
                    : NoConnection(message, waited: true));
            }
        }

        if (physical is null)
        {
            return;
        }

        physical.OnHeartbeat(now);
        if (Options.KeepAlive > TimeSpan.Zero && queued == 0
            && Stopwatch.GetElapsedTime(physical.LastWriteTimestamp, now) >= Options.KeepAlive)
        {
            var writer = new CommandWriter(Commands.PING, 0);
            Enqueue(writer.ToMessage(ResultProcessors.Any, (long)(Options.CommandTimeout.TotalSeconds * Stopwatch.Frequency)));
        }
    }

    public RedisTimeoutException CreateTimeoutException(IMessage message, int inFlight, bool sent, long lastRead, long now)
    {
        var timeout = TimeSpan.FromSeconds((double)message.TimeoutTicks / Stopwatch.Frequency).TotalMilliseconds;
        var text = sent
            ? $"Timeout after {timeout:0} ms waiting for the reply to {message.Command} from {EndPointName} "
              + $"({inFlight} command(s) awaiting replies; last data received {Stopwatch.GetElapsedTime(lastRead, now).TotalMilliseconds:0} ms ago)."
            : $"Timeout after {timeout:0} ms: {message.Command} was still queued for {EndPointName} and was not sent ({inFlight} command(s) queued).";
        return new RedisTimeoutException(EndPointName, text);
    }

    private RedisConnectionException NoConnection(IMessage message, bool waited)
    {
        var reason = _lastError is null ? _state.ToString().ToLowerInvariant() : $"{_state.ToString().ToLowerInvariant()}; last error: {_lastError.Message}";
        var text = waited
            ? $"{message.Command} was not sent: no connection to {EndPointName} became available within {TimeSpan.FromSeconds((double)message.TimeoutTicks / Stopwatch.Frequency).TotalMilliseconds:0} ms ({reason})."
            : $"{message.Command} was not sent: no connection to {EndPointName} is available ({reason}).";
        return new RedisConnectionException(EndPointName, text, _lastError);
    }

    public void Dispose()
    {
        PhysicalConnection? physical;
        List<IMessage> outbound;
        lock (_lock)
        {
            if (_state == RedisConnectionState.Disposed)
            {
                return;
            }

            _state = RedisConnectionState.Disposed;
            physical = _physical;
            _physical = null;
            outbound = _outbound;
            _outbound = [];
            SignalAttempt();
        }

        _disposeCts.Cancel();
        foreach (var message in outbound)
        {
            message.ReleasePayload();
            message.Fail(new ObjectDisposedException(nameof(RedisConnection), $"The connection to {EndPointName} was disposed before {message.Command} was sent."));
        }

        physical?.Fail(new ObjectDisposedException(nameof(RedisConnection), "the connection was disposed"));
    }
}
