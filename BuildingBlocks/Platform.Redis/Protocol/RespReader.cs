using System.Buffers;
using System.Text;

namespace Platform.Redis.Protocol;

/// <summary>
/// Reads the values of one reply that <see cref="RespScanner"/> has already found complete, so no method here has
/// to deal with missing bytes.
/// </summary>
internal ref struct RespReader
{
    private SequenceReader<byte> _reader;

    public RespReader(in ReadOnlySequence<byte> frame) => _reader = new SequenceReader<byte>(frame);

    public byte PeekType() => _reader.TryPeek(out byte type) ? type : throw Truncated();

    public byte ReadType() => _reader.TryRead(out byte type) ? type : throw Truncated();

    /// <summary>Reads a header's integer (after the type byte).</summary>
    public long ReadHeaderInteger() => RespScanner.TryReadInteger(ref _reader, out long value) ? value : throw Truncated();

    public string ReadLine()
    {
        if (!_reader.TryReadTo(out ReadOnlySpan<byte> line, "\r\n"u8, advancePastDelimiter: true))
        {
            throw Truncated();
        }

        return Encoding.UTF8.GetString(line);
    }

    /// <summary>Reads the body of a bulk string whose <c>$</c> has been consumed; null for nil.</summary>
    public byte[]? ReadBulkBody()
    {
        long length = ReadHeaderInteger();
        if (length < 0)
        {
            return null;
        }

        var bytes = length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)length);
        if (!_reader.TryCopyTo(bytes))
        {
            throw Truncated();
        }

        _reader.Advance(length + 2);
        return bytes;
    }

    /// <summary>Reads a scalar reply (bulk, simple string or integer) as a <see cref="RedisValue"/>.</summary>
    public RedisValue ReadValue()
    {
        byte type = ReadType();
        switch (type)
        {
            case (byte)'$':
                return ReadBulkBody();
            case (byte)'+':
                return ReadLine();
            case (byte)':':
                return ReadHeaderInteger();
            case (byte)'*':
                if (ReadHeaderInteger() < 0)
                {
                    return RedisValue.Null;
                }

                throw new RedisException("Expected a scalar reply but received an array.");
            case (byte)'-':
                throw new RedisServerException(ReadLine());
            default:
                throw Unexpected(type);
        }
    }

    public long ReadInt64()
    {
        byte type = PeekType();
        if (type == (byte)':')
        {
            _reader.Advance(1);
            return ReadHeaderInteger();
        }

        var value = ReadValue();
        return value.IsNull ? throw new RedisException("Expected an integer reply but received nil.") : value.ToInt64();
    }

    /// <summary>Reads an array header; returns -1 for a nil array.</summary>
    public long ReadArrayLength()
    {
        byte type = ReadType();
        return type switch
        {
            (byte)'*' => ReadHeaderInteger(),
            (byte)'-' => throw new RedisServerException(ReadLine()),
            _ => throw Unexpected(type),
        };
    }

    public RedisValue[] ReadValueArray()
    {
        long length = ReadArrayLength();
        if (length <= 0)
        {
            return [];
        }

        var values = new RedisValue[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadValue();
        }

        return values;
    }

    public RedisResult ReadResult()
    {
        byte type = ReadType();
        switch (type)
        {
            case (byte)'+':
                return RedisResult.SimpleString(ReadLine());
            case (byte)'-':
                return RedisResult.Error(ReadLine());
            case (byte)':':
                return RedisResult.Integer(ReadHeaderInteger());
            case (byte)'$':
                var bytes = ReadBulkBody();
                return bytes is null ? RedisResult.Null : RedisResult.BulkString(bytes);
            case (byte)'*':
                long length = ReadHeaderInteger();
                if (length < 0)
                {
                    return RedisResult.Null;
                }

                var items = new RedisResult[length];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = ReadResult();
                }

                return RedisResult.Array(items);
            default:
                throw Unexpected(type);
        }
    }

    private static RedisProtocolException Truncated() => new("Reply is truncated.");

    private static RedisException Unexpected(byte type) => new($"Unexpected reply type '{(char)type}'.");
}
