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
internal sealed class ConnectionBridge
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

    public void OnConnectionFailed(PhysicalConnection physical, Exception? reason)
    {
        List<IMessage>? failFast = null;
        RedisConnectionException lost;
        lock (_lock)
        {
            if (!ReferenceEquals(_physical, physical))
            {
                return; // failed during the handshake: the connect loop handles it
            }

            _physical = null;
            _writerScheduled = false;
            if (_state == RedisConnectionState.Disposed)
            {
                return;
            }

            _state = RedisConnectionState.Disconnected;
            _lastError = lost = new RedisConnectionException(
                EndPointName, $"The connection to {EndPointName} was lost: {physical.FailureReason}.", reason);
            if (!Options.BacklogWhileDisconnected)
            {
                failFast = _outbound;
                _outbound = [];
            }

            _connectLoopRunning = true;
        }

        if (failFast is not null)
        {
            foreach (var message in failFast)
            {
                message.ReleasePayload();
                message.Fail(NoConnection(message, waited: false));
            }
        }

        _logger.LogWarning("Redis {Role} connection to {EndPoint} lost: {Reason}. Reconnecting.", Role, EndPointName, physical.FailureReason);
        _multiplexer.RaiseConnectionFailed(this, lost);
        _ = ConnectLoopAsync();
    }

    private async Task ConnectLoopAsync()
    {
        int attempt = 0;
        var token = _disposeCts.Token;
        while (!token.IsCancellationRequested)
        {
            if (attempt > 0)
            {
                try
                {
                    await Task.Delay(Backoff(attempt), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            attempt++;
            lock (_lock)
            {
                if (_state == RedisConnectionState.Disposed)
                {
                    break;
                }

                _state = RedisConnectionState.Connecting;
            }

            PhysicalConnection? physical = null;
            try
            {
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(token);
                attemptCts.CancelAfter(Options.ConnectTimeout);
                try
                {
                    physical = await PhysicalConnection.ConnectAsync(this, attemptCts.Token).ConfigureAwait(false);
                    physical.StartReading();
                    await HandshakeAsync(physical, attemptCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    throw new TimeoutException($"connect timeout ({Options.ConnectTimeout.TotalMilliseconds:0} ms) expired");
                }

                bool reconnected;
                PhysicalConnection? schedule = null;
                lock (_lock)
                {
                    if (_state == RedisConnectionState.Disposed)
                    {
                        physical.Fail(new ObjectDisposedException(nameof(RedisConnection)));
                        break;
                    }

                    if (physical.IsFailed)
                    {
                        throw new IOException(physical.FailureReason);
                    }

                    _physical = physical;
                    _state = RedisConnectionState.Connected;
                    _lastError = null;
                    _connectLoopRunning = false;
                    reconnected = _everConnected;
                    _everConnected = true;
                    _failedAttempts = 0;
                    if (_outbound.Count > 0)
                    {
                        _writerScheduled = true;
                        schedule = physical;
                    }

                    SignalAttempt();
                }

                schedule?.ScheduleWrite();
                if (reconnected)
                {
                    Telemetry.RecordReconnect(Options, Role);
                    _logger.LogInformation("Redis {Role} connection to {EndPoint} restored after {Attempts} attempt(s).", Role, EndPointName, attempt);
                    _multiplexer.RaiseConnectionRestored(this);
                }
                else
                {
                    _logger.LogDebug("Redis {Role} connection to {EndPoint} established.", Role, EndPointName);
                }

                return;
            }
            catch (Exception ex)
            {
                physical?.Fail(ex);
                var error = ex as RedisConnectionException ?? new RedisConnectionException(
                    EndPointName, $"Could not connect to {EndPointName}: {PhysicalConnection.Describe(ex)}.", ex);
                lock (_lock)
                {
                    if (_state == RedisConnectionState.Disposed)
                    {
                        break;
                    }

                    _state = RedisConnectionState.Disconnected;
                    _lastError = error;
                    _failedAttempts++;
                    SignalAttempt();
                }

                _logger.LogWarning("Redis {Role} connection attempt {Attempt} to {EndPoint} failed: {Reason}", Role, attempt, EndPointName, error.Message);
            }
        }

        lock (_lock)
        {
            _connectLoopRunning = false;
            SignalAttempt();
        }
    }

    private void SignalAttempt()
    {
        var previous = _attemptSignal;
        _attemptSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    /// <summary>Waits until connected (true), or until <paramref name="attempts"/> attempts have failed or the bridge is disposed (false).</summary>
    public async Task<bool> WaitForConnectionAsync(int attempts, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                if (_state == RedisConnectionState.Connected)
                {
                    return true;
                }

                if (_state == RedisConnectionState.Disposed || _failedAttempts >= attempts)
                {
                    return false;
                }

                signal = _attemptSignal.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        double min = Math.Max(1, Options.ReconnectMinDelay.TotalMilliseconds);
        double max = Math.Max(min, Options.ReconnectMaxDelay.TotalMilliseconds);
        double ceiling = Math.Min(max, min * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private async Task HandshakeAsync(PhysicalConnection physical, CancellationToken cancellationToken)
    {
        long timeoutTicks = (long)(Options.ConnectTimeout.TotalSeconds * Stopwatch.Frequency);
        var messages = new List<IMessage>();
        Message<bool>? auth = null, select = null, setName = null;
        if (Options.Password is not null)
        {
            var writer = new CommandWriter(Commands.AUTH, Options.User is null ? 1 : 2);
            if (Options.User is not null)
            {
                writer.Write(Options.User);
            }

            writer.Write(Options.Password);
            auth = writer.ToMessage(ResultProcessors.Any, timeoutTicks);
            messages.Add(auth);
        }

        if (!IsSubscriber && Options.DefaultDatabase != 0)
        {
            var writer = new CommandWriter(Commands.SELECT, 1);
            writer.Write(Options.DefaultDatabase);
            select = writer.ToMessage(ResultProcessors.Any, timeoutTicks);
            messages.Add(select);
        }

        if (Options.ClientName is not null)
        {
            var writer = new CommandWriter(Commands.CLIENT, 2);
            writer.Write("SETNAME");
            writer.Write(Options.ClientName);
            setName = writer.ToMessage(ResultProcessors.Any, timeoutTicks);
            messages.Add(setName);
        }

        List<Message<bool>> resubscribe = IsSubscriber ? _multiplexer.Subscriptions.CreateResubscribeMessages(timeoutTicks) : [];
        messages.AddRange(resubscribe);
        if (messages.Count == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        foreach (var message in messages)
        {
            message.Stamp(now);
        }

        await physical.WriteDirectAsync(messages, cancellationToken).ConfigureAwait(false);
        try
        {
            if (auth is not null)
            {
                await auth.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (select is not null)
            {
                await select.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RedisServerException ex)
        {
            var what = ReferenceEquals(ex, auth?.Task.Exception?.InnerException) ? "AUTH" : "SELECT";
            throw new RedisConnectionException(EndPointName, $"{what} on {EndPointName} failed: {ex.Message}", ex);
        }

        if (setName is not null)
        {
            try
            {
                await setName.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException ex)
            {
                _logger.LogWarning("CLIENT SETNAME on {EndPoint} failed: {Message}", EndPointName, ex.Message);
            }
        }

        foreach (var message in resubscribe)
        {
            await message.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

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
