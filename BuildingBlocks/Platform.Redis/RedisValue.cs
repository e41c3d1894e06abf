using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Platform.Redis;

/// <summary>
/// A Redis value: nil, or a binary-safe byte string. Arguments can be created implicitly from strings (UTF-8),
/// byte arrays, <see cref="ReadOnlyMemory{T}"/>, integers and doubles; replies convert back to those types.
/// </summary>
/// <remarks>
/// A value holding a <see cref="ReadOnlyMemory{T}"/> argument does not copy it; commands encode their arguments
/// synchronously before the method returns, so the caller may reuse its buffer as soon as the call returns.
/// </remarks>
public readonly struct RedisValue : IEquatable<RedisValue>
{
    private enum Kind : byte
    {
        Null,
        String,
        Bytes,
        Int64,
        Double,
    }

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string? _string;
    private readonly long _number;
    private readonly Kind _kind;

    private RedisValue(Kind kind, ReadOnlyMemory<byte> bytes, string? text, long number)
    {
        _kind = kind;
        _bytes = bytes;
        _string = text;
        _number = number;
    }

    /// <summary>The nil value (a missing key, a nil bulk reply).</summary>
    public static RedisValue Null => default;

    /// <summary>The empty string (not nil).</summary>
    public static RedisValue EmptyString { get; } = new(Kind.Bytes, Array.Empty<byte>(), null, 0);

    public bool IsNull => _kind == Kind.Null;

    public bool HasValue => _kind != Kind.Null;

    /// <summary>True for nil and for the empty string.</summary>
    public bool IsNullOrEmpty => _kind switch
    {
        Kind.Null => true,
        Kind.String => _string!.Length == 0,
        Kind.Bytes => _bytes.IsEmpty,
        _ => false,
    };

    public static implicit operator RedisValue(string? value) => value is null ? Null : new(Kind.String, default, value, 0);

    public static implicit operator RedisValue(byte[]? value) => value is null ? Null : new(Kind.Bytes, value, null, 0);

    public static implicit operator RedisValue(ReadOnlyMemory<byte> value) => new(Kind.Bytes, value, null, 0);

    public static implicit operator RedisValue(Memory<byte> value) => new(Kind.Bytes, value, null, 0);

    public static implicit operator RedisValue(long value) => new(Kind.Int64, default, null, value);

    public static implicit operator RedisValue(int value) => new(Kind.Int64, default, null, value);

    public static implicit operator RedisValue(double value) => new(Kind.Double, default, null, BitConverter.DoubleToInt64Bits(value));

    public static implicit operator RedisValue(bool value) => new(Kind.Int64, default, null, value ? 1 : 0);

    public static implicit operator string?(RedisValue value) => value.IsNull ? null : value.ToString();

    public static implicit operator byte[]?(RedisValue value) => value.ToArray();

    public static explicit operator long(RedisValue value) => value.ToInt64();

    public static explicit operator long?(RedisValue value) => value.IsNull ? null : value.ToInt64();

    public static explicit operator int(RedisValue value) => checked((int)value.ToInt64());

    public static explicit operator double(RedisValue value) => value.ToDouble();

    public static explicit operator double?(RedisValue value) => value.IsNull ? null : value.ToDouble();

    public static explicit operator bool(RedisValue value) => value.ToInt64() != 0;

    /// <summary>The value's bytes, or null for nil. Returns the underlying array without copying when possible.</summary>
    public byte[]? ToArray()
    {
        switch (_kind)
        {
            case Kind.Null:
                return null;
            case Kind.Bytes:
                if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(_bytes, out var segment)
                    && segment.Offset == 0 && segment.Count == segment.Array!.Length)
                {
                    return segment.Array;
                }

                return _bytes.ToArray();
            default:
                var buffer = new byte[GetByteCount()];
                CopyTo(buffer);
                return buffer;
        }
    }

    /// <summary>The value as bytes (empty for nil).</summary>
    public ReadOnlyMemory<byte> AsMemory() => _kind == Kind.Bytes ? _bytes : ToArray() ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>The value decoded as UTF-8; nil becomes the empty string.</summary>
    public override string ToString() => _kind switch
    {
        Kind.Null => "",
        Kind.String => _string!,
        Kind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        Kind.Int64 => _number.ToString(CultureInfo.InvariantCulture),
        _ => FormatDouble(BitConverter.Int64BitsToDouble(_number)),
    };

    public long ToInt64()
    {
        if (TryParse(out long value))
        {
            return value;
        }

        throw new InvalidCastException(IsNull ? "The value is nil." : $"The value '{this}' is not an integer.");
    }

    public double ToDouble()
    {
        if (TryParse(out double value))
        {
            return value;
        }

        throw new InvalidCastException(IsNull ? "The value is nil." : $"The value '{this}' is not a number.");
    }

    public bool TryParse(out long value)
    {
        switch (_kind)
        {
            case Kind.Int64:
                value = _number;
                return true;
            case Kind.Bytes:
                return Utf8Parser.TryParse(_bytes.Span, out value, out int consumed) && consumed == _bytes.Length;
            case Kind.String:
                return long.TryParse(_string, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            case Kind.Double:
                var d = BitConverter.Int64BitsToDouble(_number);
                value = (long)d;
                return value == d;
            default:
                value = 0;
                return false;
        }
    }

    public bool TryParse(out double value)
    {
        switch (_kind)
        {
            case Kind.Double:
                value = BitConverter.Int64BitsToDouble(_number);
                return true;
            case Kind.Int64:
                value = _number;
                return true;
            case Kind.Null:
                value = 0;
                return false;
            default:
                return TryParseDouble(ToString(), out value);
        }
    }

    internal static bool TryParseDouble(string text, out double value)
    {
        switch (text)
        {
            case "inf" or "+inf":
                value = double.PositiveInfinity;
                return true;
            case "-inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    internal static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Number of bytes of the encoded value.</summary>
    internal int GetByteCount() => _kind switch
    {
        Kind.Null => 0,
        Kind.String => Encoding.UTF8.GetByteCount(_string!),
        Kind.Bytes => _bytes.Length,
        Kind.Int64 => FormattedLength(_number),
        _ => Encoding.UTF8.GetByteCount(FormatDouble(BitConverter.Int64BitsToDouble(_number))),
    };

    /// <summary>Writes the encoded value (exactly <see cref="GetByteCount"/> bytes).</summary>
    internal int CopyTo(Span<byte> destination)
    {
        switch (_kind)
        {
            case Kind.Null:
                return 0;
            case Kind.String:
                return Encoding.UTF8.GetBytes(_string!, destination);
            case Kind.Bytes:
                _bytes.Span.CopyTo(destination);
                return _bytes.Length;
            case Kind.Int64:
                Utf8Formatter.TryFormat(_number, destination, out int written);
                return written;
            default:
                return Encoding.UTF8.GetBytes(FormatDouble(BitConverter.Int64BitsToDouble(_number)), destination);
        }
    }

    internal static int FormattedLength(long value)
    {
        if (value == long.MinValue)
        {
            return 20;
        }

        int length = value < 0 ? 2 : 1;
        ulong v = (ulong)Math.Abs(value);
        while (v >= 10)
        {
            v /= 10;
            length++;
        }

        return length;
    }

    /// <summary>Byte-wise equality of the encoded values; nil equals only nil.</summary>
    public bool Equals(RedisValue other)
    {
        if (IsNull || other.IsNull)
        {
            return IsNull && other.IsNull;
        }

        if (_kind == Kind.String && other._kind == Kind.String)
        {
            return string.Equals(_string, other._string, StringComparison.Ordinal);
        }

        return AsMemory().Span.SequenceEqual(other.AsMemory().Span);
    }

    public override bool Equals(object? obj) => obj is RedisValue other && Equals(other);

    public override int GetHashCode()
    {
        if (IsNull)
        {
            return 0;
        }

        var hash = new HashCode();
        hash.AddBytes(AsMemory().Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(RedisValue left, RedisValue right) => left.Equals(right);

    public static bool operator !=(RedisValue left, RedisValue right) => !left.Equals(right);
}
