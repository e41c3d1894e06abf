using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

// Losing the socket, the connect / reconnect loop and the handshake.
internal sealed partial class ConnectionBridge
{
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
}
