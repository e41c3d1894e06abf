using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

// The reader loop, deadlines, and failure: closing the socket and failing what awaits a reply.
internal sealed partial class PhysicalConnection
{
    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                LastReadTimestamp = Stopwatch.GetTimestamp();
                while (RespScanner.TryGetFrame(buffer, out var end))
                {
                    ProcessFrame(buffer.Slice(0, end));
                    buffer = buffer.Slice(end);
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    error = new EndOfStreamException("the server closed the connection");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Fail(error);
        await _reader.CompleteAsync().ConfigureAwait(false);
    }

    private void ProcessFrame(in ReadOnlySequence<byte> frame)
    {
        if (_bridge.IsSubscriber && _bridge.TryHandlePush(frame))
        {
            return;
        }

        IMessage? message;
        lock (_pending)
        {
            _pending.TryDequeue(out message);
        }

        if (message is null)
        {
            throw new RedisProtocolException("Received a reply while no command was waiting for one.");
        }

        message.Complete(frame);
    }

    /// <summary>Times out overdue commands; declares the socket dead when its oldest command is long overdue and nothing arrives.</summary>
    public void OnHeartbeat(long now)
    {
        IMessage? stalled = null;
        lock (_pending)
        {
            int index = 0;
            foreach (var message in _pending)
            {
                if (!message.IsCompleted && now >= message.Deadline)
                {
                    message.Fail(_bridge.CreateTimeoutException(message, _pending.Count, sent: true, LastReadTimestamp, now));
                }

                if (index++ == 0 && now - message.Deadline > message.TimeoutTicks && LastReadTimestamp < message.StartTimestamp)
                {
                    stalled = message;
                }
            }
        }

        if (stalled is not null)
        {
            Fail(new TimeoutException(
                $"no reply for {Stopwatch.GetElapsedTime(stalled.StartTimestamp, now).TotalMilliseconds:0} ms to {stalled.Command} and nothing received since; the connection is presumed dead"));
        }
    }

    /// <summary>Closes the socket and fails every command awaiting a reply. Idempotent.</summary>
    public void Fail(Exception? reason)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0)
        {
            return;
        }

        _failureReason = Describe(reason);
        List<IMessage> inFlight;
        lock (_pending)
        {
            _pendingClosed = true;
            inFlight = [.. _pending];
            _pending.Clear();
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception)
        {
            // already closed
        }

        _stream.Dispose();
        foreach (var message in inFlight)
        {
            message.ReleasePayload();
            message.Fail(new RedisConnectionException(
                _bridge.EndPointName,
                $"{message.Command} failed: the connection to {_bridge.EndPointName} was lost ({_failureReason}) before its reply arrived; "
                + "it may or may not have been executed.",
                reason));
        }

        _bridge.OnConnectionFailed(this, reason);
    }

    internal static string Describe(Exception? exception) => exception switch
    {
        null => "closed",
        SocketException socket => $"{socket.SocketErrorCode}: {socket.Message}",
        IOException { InnerException: SocketException socket } => $"{socket.SocketErrorCode}: {socket.Message}",
        ObjectDisposedException => "connection closed",
        _ => exception.Message,
    };
}
