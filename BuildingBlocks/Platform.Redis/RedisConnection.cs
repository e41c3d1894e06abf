using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

/// <summary>Raised when a connection is lost or restored.</summary>
public sealed class RedisConnectionEventArgs(string endPoint, string role, Exception? error) : EventArgs
{
    /// <summary><c>host:port</c>.</summary>
    public string EndPoint { get; } = endPoint;

    /// <summary><c>interactive</c> or <c>subscription</c>.</summary>
    public string Role { get; } = role;

    /// <summary>Why the connection was lost; null when restored.</summary>
    public Exception? Error { get; } = error;
}

/// <summary>
/// A multiplexed client for one Redis endpoint: one socket shared by all callers, whose commands are pipelined
/// automatically, plus a second socket (opened on first use) for pub/sub. Thread-safe; create one per endpoint and
/// share it (it is registered as a singleton by <c>AddRedisClient</c>). Reconnects by itself.
/// </summary>
public sealed partial class RedisConnection : RedisCommands, IAsyncDisposable
{
    private readonly ConnectionBridge _interactive;
    private readonly object _subscriberLock = new();
    private ConnectionBridge? _subscriber;
    private readonly Timer _heartbeat;
    private readonly ILogger _logger;
    private int _heartbeatRunning;
    private int _disposed;

    private RedisConnection(RedisOptions options)
        : base(options.CommandTimeout)
    {
        Options = options;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<RedisConnection>();
        Subscriptions = new SubscriptionManager(_logger);
        _interactive = new ConnectionBridge(this, isSubscriber: false, _logger);
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.CommandTimeout.TotalMilliseconds / 10, 10, 100));
        _heartbeat = new Timer(static state => ((RedisConnection)state!).OnHeartbeat(), this, period, period);
        Telemetry.Register(this);
    }

    internal RedisOptions Options { get; }

    internal SubscriptionManager Subscriptions { get; }

    internal IEnumerable<ConnectionBridge> Bridges
    {
        get
        {
            yield return _interactive;
            if (Volatile.Read(ref _subscriber) is { } subscriber)
            {
                yield return subscriber;
            }
        }
    }

    /// <summary>The server, <c>host:port</c>.</summary>
    public string EndPoint => Options.EndPoint;

    /// <summary>The database selected on connect.</summary>
    public int Database => Options.DefaultDatabase;

    /// <summary>State of the interactive connection.</summary>
    public RedisConnectionState State => _interactive.State;

    /// <summary>True when the interactive connection is up and authenticated.</summary>
    public bool IsConnected => _interactive.State == RedisConnectionState.Connected;

    /// <summary>Why the last connection attempt failed or the connection was lost; null while connected.</summary>
    public Exception? LastError => _interactive.LastError;

    /// <summary>Commands queued or awaiting replies on the interactive connection.</summary>
    public long PendingCommands => _interactive.PendingCount;

    /// <summary>Raised (on a thread-pool thread) when the interactive or pub/sub connection is lost.</summary>
    public event EventHandler<RedisConnectionEventArgs>? ConnectionFailed;

    /// <summary>Raised (on a thread-pool thread) when a lost connection has been re-established.</summary>
    public event EventHandler<RedisConnectionEventArgs>? ConnectionRestored;

    /// <summary>Connects using a connection string (see <see cref="RedisOptions.Parse"/>).</summary>
    public static Task<RedisConnection> ConnectAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ConnectAsync(RedisOptions.Parse(connectionString), cancellationToken);

    /// <summary>
    /// Connects. With <see cref="RedisOptions.AbortOnConnectFail"/> (the default) it throws
    /// <see cref="RedisConnectionException"/> unless a connection is established within
    /// <see cref="RedisOptions.ConnectRetry"/> attempts; otherwise it returns after the first attempt whatever its
    /// outcome and keeps trying in the background.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        var connection = Create(options);
        try
        {
            int attempts = options.AbortOnConnectFail ? Math.Max(1, options.ConnectRetry) : 1;
            bool connected = await connection._interactive.WaitForConnectionAsync(attempts, cancellationToken).ConfigureAwait(false);
            if (!connected && options.AbortOnConnectFail)
            {
                var error = connection.LastError;
                throw new RedisConnectionException(
                    connection.EndPoint,
                    $"Could not connect to {connection.EndPoint} in {attempts} attempt(s): {error?.Message ?? "unknown error"}",
                    error);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Creates the connection and starts connecting in the background; never blocks or throws for connectivity
    /// (commands wait for the connection as described on <see cref="RedisOptions.BacklogWhileDisconnected"/>).
    /// </summary>
    public static RedisConnection Create(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new RedisConnection(options.Clone());
        connection._interactive.Start();
        return connection;
    }

    /// <summary>A view of this connection whose commands use another timeout.</summary>
    public RedisCommands WithTimeout(TimeSpan timeout) => new TimeoutView(this, timeout);

    /// <summary>Starts a batch: commands queued on it are written together, contiguously, by <see cref="RedisBatch.ExecuteAsync"/>.</summary>
    public RedisBatch CreateBatch() => new(this, Timeout);

    internal override Task<T> Submit<T>(Message<T> message, CancellationToken cancellationToken) =>
        SubmitTo(_interactive, message, cancellationToken);

    private static Task<T> SubmitTo<T>(ConnectionBridge bridge, Message<T> message, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            message.ReleasePayload();
            return Task.FromCanceled<T>(cancellationToken);
        }

        if (Telemetry.IsEnabled)
        {
            return SubmitInstrumentedAsync(bridge, message, cancellationToken);
        }

        message.Register(cancellationToken);
        bridge.Enqueue(message);
        return message.Task;
    }

    private static async Task<T> SubmitInstrumentedAsync<T>(ConnectionBridge bridge, Message<T> message, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.StartActivity(message.Command.Name, bridge.Options);
        long start = Stopwatch.GetTimestamp();
        message.Register(cancellationToken);
        bridge.Enqueue(message);
        try
        {
            var result = await message.Task.ConfigureAwait(false);
            Telemetry.RecordOperation(message.Command.Name, bridge.Options, start, null, activity);
            return result;
        }
        catch (Exception ex)
        {
            Telemetry.RecordOperation(message.Command.Name, bridge.Options, start, ex, activity);
            throw;
        }
    }

    internal Task SubmitBatch(List<IMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (Telemetry.IsEnabled)
        {
            return SubmitBatchInstrumentedAsync(messages, cancellationToken);
        }

        _interactive.EnqueueRange(messages);
        return WhenAllCompleted(messages);
    }

    private async Task SubmitBatchInstrumentedAsync(List<IMessage> messages, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.StartActivity("BATCH", Options, messages.Count);
        long start = Stopwatch.GetTimestamp();
        _interactive.EnqueueRange(messages);
        await WhenAllCompleted(messages).WaitAsync(cancellationToken).ConfigureAwait(false);
        var firstError = messages.Select(m => m.Completion.Exception?.InnerException).FirstOrDefault(e => e is not null);
        Telemetry.RecordOperation("BATCH", Options, start, firstError, activity);
    }

    /// <summary>Completes when every message has completed, whatever the outcome; never throws.</summary>
    private static async Task WhenAllCompleted(List<IMessage> messages)
    {
        var tasks = new Task[messages.Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = messages[i].Completion;
        }

        await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnHeartbeat()
    {
        if (Interlocked.Exchange(ref _heartbeatRunning, 1) != 0)
        {
            return;
        }

        try
        {
            long now = Stopwatch.GetTimestamp();
            _interactive.OnHeartbeat(now);
            Volatile.Read(ref _subscriber)?.OnHeartbeat(now);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Redis heartbeat failed.");
        }
        finally
        {
            Volatile.Write(ref _heartbeatRunning, 0);
        }
    }

    internal void RaiseConnectionFailed(ConnectionBridge bridge, Exception error) =>
        Raise(ConnectionFailed, new RedisConnectionEventArgs(bridge.EndPointName, bridge.Role, error));

    internal void RaiseConnectionRestored(ConnectionBridge bridge) =>
        Raise(ConnectionRestored, new RedisConnectionEventArgs(bridge.EndPointName, bridge.Role, null));

    private void Raise(EventHandler<RedisConnectionEventArgs>? handler, RedisConnectionEventArgs args)
    {
        if (handler is null)
        {
            return;
        }

        ThreadPool.QueueUserWorkItem(
            state =>
            {
                try
                {
                    handler(this, state);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "A Redis connection event handler threw.");
                }
            },
            args,
            preferLocal: false);
    }

    /// <summary>
    /// Closes both connections. Commands still queued fail with <see cref="ObjectDisposedException"/>, commands
    /// awaiting replies with <see cref="RedisConnectionException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        _interactive.Dispose();
        Volatile.Read(ref _subscriber)?.Dispose();
        await Subscriptions.CompleteAsync().ConfigureAwait(false);
        Telemetry.Unregister(this);
    }

    public override string ToString() => $"RedisConnection({Options}, {State})";

    /// <summary>The connection with another command timeout.</summary>
    private sealed class TimeoutView(RedisConnection connection, TimeSpan timeout) : RedisCommands(timeout)
    {
        internal override Task<T> Submit<T>(Message<T> message, CancellationToken cancellationToken) =>
            connection.Submit(message, cancellationToken);
    }
}
