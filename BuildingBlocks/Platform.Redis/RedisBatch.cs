using Platform.Redis.Internal;

namespace Platform.Redis;

/// <summary>
/// Commands collected and then written together, contiguously (no other caller's command in between), by
/// <see cref="ExecuteAsync"/>. This is a pipeline, not a transaction: each command succeeds or fails on its own.
/// Await the tasks returned by the command methods only after calling <see cref="ExecuteAsync"/>.
/// </summary>
/// <example>
/// <code>
/// var batch = redis.CreateBatch();
/// var views = batch.IncrAsync("views");
/// var name = batch.HGetAsync("user:1", "name");
/// await batch.ExecuteAsync();
/// Console.WriteLine($"{await name}: {await views}");
/// </code>
/// </example>
public sealed class RedisBatch : RedisCommands
{
    private readonly RedisConnection _connection;
    private readonly object _gate = new();
    private List<IMessage>? _messages = [];

    internal RedisBatch(RedisConnection connection, TimeSpan timeout)
        : base(timeout)
    {
        _connection = connection;
    }

    /// <summary>Number of commands queued so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages?.Count ?? 0;
            }
        }
    }

    private protected override RedisCommands ScriptFallbackTarget => _connection.WithTimeout(Timeout);

    internal override Task<T> Submit<T>(Message<T> message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_messages is null)
            {
                message.ReleasePayload();
                throw new InvalidOperationException("The batch has already been executed; create a new one.");
            }

            message.Register(cancellationToken);
            _messages.Add(message);
        }

        return message.Task;
    }

    /// <summary>
    /// Sends every queued command in one contiguous write and completes when all of them have completed
    /// (successfully or not; inspect the individual tasks). One span covers the whole batch. A batch runs once.
    /// </summary>
    public Task ExecuteAsync(CancellationToken cancellationToken = default)
    {
        List<IMessage> messages;
        lock (_gate)
        {
            messages = _messages ?? throw new InvalidOperationException("The batch has already been executed.");
            _messages = null;
        }

        return _connection.SubmitBatch(messages, cancellationToken);
    }
}
