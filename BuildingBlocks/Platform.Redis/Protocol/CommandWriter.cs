using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Platform.Redis.Protocol;

/// <summary>The name of a command, pre-encoded as its RESP bulk string.</summary>
internal sealed class CommandName
{
    public CommandName(string name)
    {
        Name = name;
        var nameBytes = Encoding.ASCII.GetBytes(name);
        var header = $"${nameBytes.Length}\r\n";
        Encoded = [.. Encoding.ASCII.GetBytes(header), .. nameBytes, (byte)'\r', (byte)'\n'];
    }

    /// <summary>The command name, upper case, as used for spans and metrics.</summary>
    public string Name { get; }

    public byte[] Encoded { get; }

    public override string ToString() => Name;
}

/// <summary>
/// Encodes one command as a RESP array of bulk strings into a buffer rented from <see cref="ArrayPool{T}.Shared"/>.
/// Commands are encoded on the caller's thread so that the writer loop only copies bytes.
/// </summary>
internal struct CommandWriter
{
    private readonly CommandName _command;
    private byte[] _buffer;
    private int _position;

    public CommandWriter(CommandName command, int argumentCount, int sizeHint = 0)
    {
        _command = command;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(128, sizeHint + command.Encoded.Length + 16));
        _position = 0;
        WriteHeader((byte)'*', argumentCount + 1);
        WriteRaw(command.Encoded);
    }

    public readonly int Length => _position;

    public void Write(RedisKey key)
    {
        switch (key.RawValue)
        {
            case string s:
                WriteUtf8(s);
                break;
            case byte[] b:
                WriteBulk(b);
                break;
            default:
                throw new ArgumentException("A key must not be null.", nameof(key));
        }
    }

    public void Write(in RedisValue value)
    {
        int length = value.GetByteCount();
        WriteHeader((byte)'$', length);
        Ensure(length + 2);
        _position += value.CopyTo(_buffer.AsSpan(_position));
        WriteCrLf();
    }

    public void Write(string value) => WriteUtf8(value);

    public void Write(long value)
    {
        Ensure(32);
        var span = _buffer.AsSpan(_position);
        Utf8Formatter.TryFormat(value, span[4..], out int digits);
        // header "$<digits>\r\n" — digits is at most 20, so the header is 4 or 5 bytes; shift if needed
        int headerLength = digits < 10 ? 4 : 5;
        if (headerLength == 5)
        {
            span.Slice(4, digits).CopyTo(span[5..]);
        }

        span[0] = (byte)'$';
        Utf8Formatter.TryFormat(digits, span[1..], out _);
        span[headerLength - 2] = (byte)'\r';
        span[headerLength - 1] = (byte)'\n';
        span[headerLength + digits] = (byte)'\r';
        span[headerLength + digits + 1] = (byte)'\n';
        _position += headerLength + digits + 2;
    }

    public void Write(double value) => WriteUtf8(RedisValue.FormatDouble(value));

    public void WriteBulk(ReadOnlySpan<byte> bytes)
    {
        WriteHeader((byte)'$', bytes.Length);
        WriteRaw(bytes);
        WriteCrLf();
    }

    private void WriteUtf8(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteHeader((byte)'$', length);
        Ensure(length + 2);
        _position += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
        WriteCrLf();
    }

    private void WriteHeader(byte type, int value)
    {
        Ensure(16);
        _buffer[_position++] = type;
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_position), out int written);
        _position += written;
        WriteCrLf();
    }

    private void WriteCrLf()
    {
        Ensure(2);
        _buffer[_position++] = (byte)'\r';
        _buffer[_position++] = (byte)'\n';
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _position >= count)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>Hands the rented buffer over to the caller (who returns it to the pool).</summary>
    public readonly byte[] Detach() => _buffer;

    /// <summary>Wraps the encoded command in a message that owns the buffer.</summary>
    public readonly Internal.Message<T> ToMessage<T>(Internal.ResultProcessor<T> processor, long timeoutTicks) =>
        new(_command, _buffer, _position, processor, timeoutTicks);
}
