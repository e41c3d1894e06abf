using System.Security.Cryptography;
using System.Text;

namespace Platform.Redis;

/// <summary>
/// A Lua script with its SHA1 computed once. <see cref="RedisCommands.ScriptEvaluateAsync"/> runs it with EVALSHA
/// and falls back to EVAL (which also loads it) when the server answers NOSCRIPT, e.g. after a restart or SCRIPT FLUSH.
/// Create instances once (static readonly fields) and reuse them.
/// </summary>
public sealed class LuaScript
{
    public LuaScript(string script)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(script);
        Script = script;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(script)));
    }

    public string Script { get; }

    /// <summary>Lower-case hex SHA1 of the UTF-8 script, as Redis computes it.</summary>
    public string Sha1 { get; }

    public override string ToString() => Sha1;
}
