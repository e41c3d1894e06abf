using System.Text;

namespace Platform.Redis;

/// <summary>The RESP2 reply types.</summary>
public enum RedisResultType
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,

    /// <summary>A nil bulk string or nil array.</summary>
    Null,
}

/// <summary>
/// A raw reply, as returned by <see cref="RedisCommands.ExecuteAsync(string, ReadOnlySpan{RedisValue})"/> and scripts.
/// A top-level error reply is thrown as <see cref="RedisServerException"/>; errors nested inside arrays are
/// represented as <see cref="RedisResultType.Error"/> elements.
/// </summary>
public sealed class RedisResult : IEquatable<RedisResult>
{
    private static readonly RedisResult[] EmptyArray = [];

    private readonly object? _value; // string (simple, error), byte[] (bulk), RedisResult[] (array), null
    private readonly long _integer;

    private RedisResult(RedisResultType type, object? value, long integer)
    {
        Type = type;
        _value = value;
        _integer = integer;
    }

    /// <summary>The nil reply.</summary>
    public static RedisResult Null { get; } = new(RedisResultType.Null, null, 0);

    public RedisResultType Type { get; }

    public bool IsNull => Type == RedisResultType.Null;

    public static RedisResult SimpleString(string value) => new(RedisResultType.SimpleString, value, 0);

    public static RedisResult Error(string message) => new(RedisResultType.Error, message, 0);

    public static RedisResult Integer(long value) => new(RedisResultType.Integer, null, value);

    public static RedisResult BulkString(byte[] value) => new(RedisResultType.BulkString, value, 0);

    public static RedisResult Array(RedisResult[] items) => new(RedisResultType.Array, items.Length == 0 ? EmptyArray : items, 0);

    /// <summary>The elements of an array reply (empty for nil).</summary>
    public RedisResult[] AsArray() => Type switch
    {
        RedisResultType.Array => (RedisResult[])_value!,
        RedisResultType.Null => EmptyArray,
        _ => throw new InvalidCastException($"A {Type} reply is not an array."),
    };

    /// <summary>The reply as an integer (integer replies, or strings holding an integer).</summary>
    public long AsInt64() => Type == RedisResultType.Integer ? _integer : AsValue().ToInt64();

    public double AsDouble() => Type == RedisResultType.Integer ? _integer : AsValue().ToDouble();

    /// <summary>The reply as a <see cref="RedisValue"/> (scalars only; nil becomes <see cref="RedisValue.Null"/>).</summary>
    public RedisValue AsValue() => Type switch
    {
        RedisResultType.BulkString => (byte[])_value!,
        RedisResultType.SimpleString or RedisResultType.Error => (string)_value!,
        RedisResultType.Integer => _integer,
        RedisResultType.Null => RedisValue.Null,
        _ => throw new InvalidCastException("An array reply is not a scalar value."),
    };

    /// <summary>The bytes of a bulk string reply, or null for nil.</summary>
    public byte[]? AsBytes() => AsValue().ToArray();

    /// <summary>The reply as text: strings decoded as UTF-8, integers formatted, arrays as <c>[a, b]</c>, nil as null.</summary>
    public string? AsString() => IsNull ? null : ToString();

    public static explicit operator string?(RedisResult result) => result.AsString();

    public static explicit operator long(RedisResult result) => result.AsInt64();

    public static explicit operator RedisValue(RedisResult result) => result.AsValue();

    public override string ToString() => Type switch
    {
        RedisResultType.Null => "(nil)",
        RedisResultType.Array => "[" + string.Join(", ", AsArray().Select(r => r.ToString())) + "]",
        RedisResultType.BulkString => Encoding.UTF8.GetString((byte[])_value!),
        RedisResultType.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => (string)_value!,
    };

    public bool Equals(RedisResult? other)
    {
        if (other is null || other.Type != Type)
        {
            return false;
        }

        return Type switch
        {
            RedisResultType.Null => true,
            RedisResultType.Integer => _integer == other._integer,
            RedisResultType.BulkString => ((byte[])_value!).AsSpan().SequenceEqual((byte[])other._value!),
            RedisResultType.Array => AsArray().AsSpan().SequenceEqual(other.AsArray()),
            _ => string.Equals((string)_value!, (string)other._value!, StringComparison.Ordinal),
        };
    }

    public override bool Equals(object? obj) => Equals(obj as RedisResult);

    public override int GetHashCode() => HashCode.Combine(Type, _integer, ToString());
}
