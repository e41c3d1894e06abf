using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

/// <summary>
/// One socket. A writer (scheduled on the thread pool whenever commands are queued and it is idle) drains the
/// bridge's queue, copies every queued command into one buffer and writes it with a single call; each command is
/// appended to the FIFO of commands awaiting replies before its bytes can reach the server. A reader loop parses
/// replies and completes the FIFO's head for each. Any socket or protocol error fails every command in the FIFO
/// and hands control back to the bridge, which reconnects.
/// </summary>
internal sealed partial class PhysicalConnection : IThreadPoolWorkItem
{
    private const int InitialSendBufferSize = 16 * 1024;
    private const int MaxRetainedSendBufferSize = 1024 * 1024;

    private readonly ConnectionBridge _bridge;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly Queue<IMessage> _pending = new();
    private bool _pendingClosed;
    private List<IMessage> _writeBatch = [];
    private byte[] _sendBuffer = new byte[InitialSendBufferSize];
    private int _failed;
    private string? _failureReason;

    private PhysicalConnection(ConnectionBridge bridge, Socket socket, Stream stream)
    {
        _bridge = bridge;
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024));
        LastReadTimestamp = LastWriteTimestamp = Stopwatch.GetTimestamp();
    }

    public long LastReadTimestamp { get; private set; }

    public long LastWriteTimestamp { get; private set; }

    public bool IsFailed => Volatile.Read(ref _failed) != 0;

    public string? FailureReason => _failureReason;

    public int PendingCount
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    public static async Task<PhysicalConnection> ConnectAsync(ConnectionBridge bridge, CancellationToken cancellationToken)
    {
        var options = bridge.Options;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.SslHost ?? options.Host,
                        RemoteCertificateValidationCallback = options.CertificateValidation,
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            return new PhysicalConnection(bridge, socket, stream);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    public void StartReading() => _ = ReadLoopAsync();

    /// <summary>
    /// Schedules the writer on the global queue; the bridge guarantees at most one is scheduled or running. Measured:
    /// the global queue (preferLocal: false) more than doubles GET throughput at 50 callers compared with the local
    /// queue, and writing inline on the first caller's thread batches less and is slower still.
    /// </summary>
    public void ScheduleWrite() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _ = WriteLoopAsync();

    private async Task WriteLoopAsync()
    {
        try
        {
            while (_bridge.TryTakeOutbound(this, ref _writeBatch))
            {
                int length = Encode(_writeBatch);
                if (length < 0)
                {
                    _bridge.Requeue(_writeBatch); // never sent: the next connection sends them
                    _writeBatch.Clear();
                    return;
                }

                _writeBatch.Clear();

                if (length > 0)
                {
                    await _stream.WriteAsync(_sendBuffer.AsMemory(0, length)).ConfigureAwait(false);
                    LastWriteTimestamp = Stopwatch.GetTimestamp();
                    if (_sendBuffer.Length > MaxRetainedSendBufferSize)
                    {
                        _sendBuffer = new byte[InitialSendBufferSize];
                    }
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    /// <summary>
    /// Writes the handshake (AUTH, SELECT, ...) before the writer is opened to callers. The messages join the FIFO
    /// like any other; the caller awaits their tasks.
    /// </summary>
    public async Task WriteDirectAsync(List<IMessage> messages, CancellationToken cancellationToken)
    {
        int length = Encode(messages);
        if (length < 0)
        {
            var error = new RedisConnectionException(_bridge.EndPointName, $"The connection to {_bridge.EndPointName} was lost during the handshake ({_failureReason}).");
            foreach (var message in messages)
            {
                message.ReleasePayload();
                message.Fail(error);
            }

            throw error;
        }

        await _stream.WriteAsync(_sendBuffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        LastWriteTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Copies the commands that are still wanted into the send buffer and appends them to the FIFO. Returns the byte
    /// count, or -1 if the connection failed meanwhile (then <paramref name="batch"/> holds the commands, never sent).
    /// </summary>
    private int Encode(List<IMessage> batch)
    {
        int position = 0;
        int kept = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            if (message.IsCompleted)
            {
                message.ReleasePayload(); // cancelled or timed out before it was sent: never written
                continue;
            }

            var payload = message.Payload;
            if (_sendBuffer.Length - position < payload.Length)
            {
                var bigger = new byte[Math.Max(_sendBuffer.Length * 2, position + payload.Length)];
                _sendBuffer.AsSpan(0, position).CopyTo(bigger);
                _sendBuffer = bigger;
            }

            payload.CopyTo(_sendBuffer.AsSpan(position));
            position += payload.Length;
            batch[kept++] = message;
        }

        if (kept < batch.Count)
        {
            batch.RemoveRange(kept, batch.Count - kept);
        }

        bool accepted = false;
        lock (_pending)
        {
            if (!_pendingClosed)
            {
                foreach (var message in batch)
                {
                    _pending.Enqueue(message);
                }

                accepted = true;
            }
        }

        if (!accepted)
        {
            return -1;
        }

        foreach (var message in batch)
        {
            message.ReleasePayload();
        }

        return position;
    }
}
