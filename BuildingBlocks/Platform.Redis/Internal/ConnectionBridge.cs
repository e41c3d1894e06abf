using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

/// <summary>
/// A logical connection to the endpoint (interactive or pub/sub) that outlives sockets: it owns the queue of
/// commands not yet written, the current <see cref="PhysicalConnection"/>, and the connect/reconnect loop
/// (exponential backoff with jitter, then AUTH / SELECT / CLIENT SETNAME / resubscribe before opening the queue).
/// </summary>
internal sealed partial class ConnectionBridge
{
    private readonly RedisConnection _multiplexer;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly CancellationTokenSource _disposeCts = new();
    private List<IMessage> _outbound = [];
    private bool _writerScheduled;
    private PhysicalConnection? _physical;
    private RedisConnectionState _state = RedisConnectionState.Connecting;
    private Exception? _lastError;
    private bool _connectLoopRunning;
    private bool _everConnected;
    private int _failedAttempts;
    private TaskCompletionSource _attemptSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConnectionBridge(RedisConnection multiplexer, bool isSubscriber, ILogger logger)
    {
        _multiplexer = multiplexer;
        IsSubscriber = isSubscriber;
        _logger = logger;
    }

    public RedisOptions Options => _multiplexer.Options;

    public bool IsSubscriber { get; }

    public string Role => IsSubscriber ? "subscription" : "interactive";

    public string EndPointName => Options.EndPoint;

    public RedisConnectionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public Exception? LastError
    {
        get
        {
            lock (_lock)
            {
                return _lastError;
            }
        }
    }

    public long PendingCount
    {
        get
        {
            PhysicalConnection? physical;
            int queued;
            lock (_lock)
            {
                physical = _physical;
                queued = _outbound.Count;
            }

            return queued + (physical?.PendingCount ?? 0);
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_connectLoopRunning || _state == RedisConnectionState.Disposed)
            {
                return;
            }

            _connectLoopRunning = true;
        }

        _ = ConnectLoopAsync();
    }

    /// <summary>Queues a command for the writer (or, while disconnected, for the next connection).</summary>
    public void Enqueue(IMessage message)
    {
        message.Stamp(Stopwatch.GetTimestamp());
        PhysicalConnection? schedule = null;
        lock (_lock)
        {
            if (!CanAccept(message))
            {
                return;
            }

            _outbound.Add(message);
            if (_physical is not null && !_writerScheduled)
            {
                _writerScheduled = true;
                schedule = _physical;
            }
        }

        schedule?.ScheduleWrite();
    }

    /// <summary>Queues several commands contiguously: nothing else is written between them.</summary>
    public void EnqueueRange(List<IMessage> messages)
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var message in messages)
        {
            message.Stamp(now);
        }

        PhysicalConnection? schedule = null;
        lock (_lock)
        {
            foreach (var message in messages)
            {
                if (!CanAccept(message))
                {
                    continue;
                }

                _outbound.Add(message);
            }

            if (_physical is not null && !_writerScheduled && _outbound.Count > 0)
            {
                _writerScheduled = true;
                schedule = _physical;
            }
        }

        schedule?.ScheduleWrite();
    }

    private bool CanAccept(IMessage message)
    {
        if (_state == RedisConnectionState.Disposed)
        {
            message.ReleasePayload();
            message.Fail(new ObjectDisposedException(nameof(RedisConnection), $"The connection to {EndPointName} has been disposed."));
            return false;
        }

        if (_state != RedisConnectionState.Connected && !Options.BacklogWhileDisconnected)
        {
            message.ReleasePayload();
            message.Fail(NoConnection(message, waited: false));
            return false;
        }

        return true;
    }

    /// <summary>Called by the writer: swaps the queue out. Returns false (and marks the writer idle) when empty.</summary>
    public bool TryTakeOutbound(PhysicalConnection physical, ref List<IMessage> batch)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_physical, physical))
            {
                return false;
            }

            if (_outbound.Count == 0)
            {
                _writerScheduled = false;
                return false;
            }

            (_outbound, batch) = (batch, _outbound);
            return true;
        }
    }

    /// <summary>Puts commands that were never sent back at the head of the queue.</summary>
    public void Requeue(List<IMessage> unsent)
    {
        PhysicalConnection? schedule = null;
        lock (_lock)
        {
            _outbound.InsertRange(0, unsent);
            if (_physical is not null && !_writerScheduled)
            {
                _writerScheduled = true;
                schedule = _physical;
            }
        }

        schedule?.ScheduleWrite();
    }

    public bool TryHandlePush(in ReadOnlySequence<byte> frame) => _multiplexer.Subscriptions.TryHandlePush(frame);
}
