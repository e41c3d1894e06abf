using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

/// <summary>
/// The typed commands, shared by <see cref="RedisConnection"/> (commands are sent at once, pipelined with other
/// callers'), <see cref="RedisBatch"/> (sent together on <see cref="RedisBatch.ExecuteAsync"/>) and the view returned
/// by <see cref="RedisConnection.WithTimeout"/>. Method names are the Redis command names. Every method encodes its
/// arguments before returning, so argument buffers may be reused immediately.
/// </summary>
/// <remarks>
/// Each command completes with the server's reply, or fails with <see cref="RedisServerException"/> (error reply,
/// server's message), <see cref="RedisTimeoutException"/> (no reply within the timeout),
/// <see cref="RedisConnectionException"/> (connection lost while in flight, or none available), or
/// <see cref="OperationCanceledException"/> (the token was cancelled; if the command had already been written its
/// reply is read and discarded, so later replies stay matched).
/// </remarks>
public abstract partial class RedisCommands
{
    private static readonly ConcurrentDictionary<string, CommandName> AdHocCommands = new(StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> RejectedCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        // would turn the shared connection into a subscriber or monitor
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR",
        // change per-connection state under every other caller's feet
        "SELECT", "QUIT", "RESET", "AUTH", "HELLO", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH",
        // block the connection, and so every other caller
        "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
    };

    private protected RedisCommands(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "The command timeout must be positive.");
        }

        TimeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Stopwatch ticks each command created here may take.</summary>
    private protected long TimeoutTicks { get; }

    /// <summary>The command timeout applied by this instance.</summary>
    public TimeSpan Timeout => TimeSpan.FromSeconds((double)TimeoutTicks / Stopwatch.Frequency);

    internal abstract Task<T> Submit<T>(Message<T> message, CancellationToken cancellationToken);

    /// <summary>Where a NOSCRIPT fallback is sent (a batch sends it straight to the connection).</summary>
    private protected virtual RedisCommands ScriptFallbackTarget => this;

    private Task<T> Send<T>(ref CommandWriter writer, ResultProcessor<T> processor, CancellationToken cancellationToken) =>
        Submit(writer.ToMessage(processor, TimeoutTicks), cancellationToken);

    private Task<T> Key<T>(CommandName command, RedisKey key, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        var writer = new CommandWriter(command, 1);
        writer.Write(key);
        return Send(ref writer, processor, cancellationToken);
    }

    private Task<T> KeyValue<T>(CommandName command, RedisKey key, in RedisValue value, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        var writer = new CommandWriter(command, 2, value.GetByteCount());
        writer.Write(key);
        writer.Write(value);
        return Send(ref writer, processor, cancellationToken);
    }

    private Task<T> KeyValues<T>(CommandName command, RedisKey key, ReadOnlySpan<RedisValue> values, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException($"{command} needs at least one value.", nameof(values));
        }

        var writer = new CommandWriter(command, 1 + values.Length);
        writer.Write(key);
        foreach (var value in values)
        {
            writer.Write(value);
        }

        return Send(ref writer, processor, cancellationToken);
    }

    private Task<T> Keys<T>(CommandName command, ReadOnlySpan<RedisKey> keys, ResultProcessor<T> processor, CancellationToken cancellationToken)
    {
        if (keys.IsEmpty)
        {
            throw new ArgumentException($"{command} needs at least one key.", nameof(keys));
        }

        var writer = new CommandWriter(command, keys.Length);
        foreach (var key in keys)
        {
            writer.Write(key);
        }

        return Send(ref writer, processor, cancellationToken);
    }

    // ---------------------------------------------------------------- generic

    /// <summary>
    /// Sends any command, e.g. <c>ExecuteAsync("OBJECT", "ENCODING", "key")</c>, and returns the raw reply.
    /// Commands that would break the shared connection (SUBSCRIBE, MONITOR, SELECT, MULTI/EXEC, blocking pops, ...)
    /// are rejected with <see cref="ArgumentException"/>.
    /// </summary>
    public Task<RedisResult> ExecuteAsync(string command, params ReadOnlySpan<RedisValue> args) =>
        ExecuteAsync(command, args, CancellationToken.None);

    /// <inheritdoc cref="ExecuteAsync(string, ReadOnlySpan{RedisValue})"/>
    public Task<RedisResult> ExecuteAsync(string command, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (RejectedCommands.Contains(command)
            || (args.Length > 0 && command.Equals("CLIENT", StringComparison.OrdinalIgnoreCase) && args[0].ToString().Equals("REPLY", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"{command.ToUpperInvariant()} cannot be sent on a multiplexed connection (use SubscribeAsync for pub/sub, the defaultDatabase option instead of SELECT).",
                nameof(command));
        }

        var name = AdHocCommands.Count < 1024
            ? AdHocCommands.GetOrAdd(command, static c => new CommandName(c.ToUpperInvariant()))
            : AdHocCommands.TryGetValue(command, out var cached) ? cached : new CommandName(command.ToUpperInvariant());
        var writer = new CommandWriter(name, args.Length);
        foreach (var arg in args)
        {
            writer.Write(arg);
        }

        return Send(ref writer, ResultProcessors.Result, cancellationToken);
    }
}
