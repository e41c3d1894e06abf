using System.Diagnostics;
using System.Runtime.CompilerServices;
using Platform.Redis.Internal;
using Platform.Redis.Protocol;

namespace Platform.Redis;

// Pub/sub publishing, server commands, SCAN and Lua scripts.
public abstract partial class RedisCommands
{
    /// <summary>PUBLISH: the number of clients that received the message.</summary>
    public Task<long> PublishAsync(string channel, RedisValue message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var writer = new CommandWriter(Commands.PUBLISH, 2, message.GetByteCount());
        writer.Write(channel);
        writer.Write(message);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>PING: the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        var writer = new CommandWriter(Commands.PING, 0);
        await Send(ref writer, ResultProcessors.Any, cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>ECHO.</summary>
    public Task<RedisValue> EchoAsync(RedisValue message, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.ECHO, 1, message.GetByteCount());
        writer.Write(message);
        return Send(ref writer, ResultProcessors.Value, cancellationToken);
    }

    /// <summary>INFO [section]: the raw text (<c>field:value</c> lines under <c># Section</c> headers).</summary>
    public Task<string> InfoAsync(string? section = null, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.INFO, section is null ? 0 : 1);
        if (section is not null)
        {
            writer.Write(section);
        }

        return Send(ref writer, ResultProcessors.String, cancellationToken);
    }

    /// <summary>DBSIZE: the number of keys in the selected database.</summary>
    public Task<long> DbSizeAsync(CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.DBSIZE, 0);
        return Send(ref writer, ResultProcessors.Int64, cancellationToken);
    }

    /// <summary>One SCAN step: pass 0 first, then the returned cursor until it is 0 again.</summary>
    public Task<ScanPage> ScanAsync(long cursor, string? pattern = null, int count = 0, string? type = null, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.SCAN, 1 + (pattern is null ? 0 : 2) + (count > 0 ? 2 : 0) + (type is null ? 0 : 2));
        writer.Write(cursor);
        if (pattern is not null)
        {
            writer.Write("MATCH");
            writer.Write(pattern);
        }

        if (count > 0)
        {
            writer.Write("COUNT");
            writer.Write(count);
        }

        if (type is not null)
        {
            writer.Write("TYPE");
            writer.Write(type);
        }

        return Send(ref writer, ResultProcessors.Scan, cancellationToken);
    }

    /// <summary>
    /// Every key matching <paramref name="pattern"/>, by iterating SCAN (<paramref name="pageSize"/> is its COUNT hint).
    /// SCAN's guarantees apply: a key present for the whole iteration is returned at least once (possibly more).
    /// </summary>
    public async IAsyncEnumerable<RedisKey> ScanKeysAsync(string? pattern = null, int pageSize = 250, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long cursor = 0;
        do
        {
            var page = await ScanAsync(cursor, pattern, pageSize, null, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
            {
                yield return key;
            }

            cursor = page.Cursor;
        }
        while (cursor != 0);
    }

    /// <summary>
    /// Runs a script with EVALSHA; if the server does not have it (NOSCRIPT, e.g. after a restart or SCRIPT FLUSH)
    /// the same call transparently retries with EVAL, which also caches it on the server.
    /// </summary>
    public async Task<RedisResult> ScriptEvaluateAsync(LuaScript script, RedisKey[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        try
        {
            return await Eval(this, Commands.EVALSHA, script.Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "NOSCRIPT")
        {
            return await Eval(ScriptFallbackTarget, Commands.EVAL, script.Script, keys, args, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>EVAL of a script text (prefer <see cref="ScriptEvaluateAsync"/>, which sends only the SHA1).</summary>
    public Task<RedisResult> EvalAsync(string script, RedisKey[]? keys = null, RedisValue[]? args = null, CancellationToken cancellationToken = default) =>
        Eval(this, Commands.EVAL, script, keys, args, cancellationToken);

    /// <summary>SCRIPT LOAD: the SHA1 the server computed.</summary>
    public Task<string> ScriptLoadAsync(LuaScript script, CancellationToken cancellationToken = default)
    {
        var writer = new CommandWriter(Commands.SCRIPT, 2);
        writer.Write("LOAD");
        writer.Write(script.Script);
        return Send(ref writer, ResultProcessors.String, cancellationToken);
    }

    private static Task<RedisResult> Eval(RedisCommands target, CommandName command, string scriptOrSha, RedisKey[]? keys, RedisValue[]? args, CancellationToken cancellationToken)
    {
        keys ??= [];
        args ??= [];
        var writer = new CommandWriter(command, 2 + keys.Length + args.Length);
        writer.Write(scriptOrSha);
        writer.Write(keys.Length);
        foreach (var key in keys)
        {
            writer.Write(key);
        }

        foreach (var arg in args)
        {
            writer.Write(arg);
        }

        return target.Submit(writer.ToMessage(ResultProcessors.Result, target.TimeoutTicks), cancellationToken);
    }
}
