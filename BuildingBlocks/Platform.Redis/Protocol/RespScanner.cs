using System.Buffers;
using System.Buffers.Text;

namespace Platform.Redis.Protocol;

/// <summary>
/// Finds the end of one complete RESP2 reply at the start of a buffer without materialising it. Nested arrays
/// are handled iteratively: an array header adds its element count to the number of values still expected.
/// </summary>
internal static class RespScanner
{
    /// <summary>Redis' own proto-max-bulk-len ceiling; anything bigger is treated as a corrupt stream.</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Longest header or simple-string line accepted before the stream is declared corrupt.</summary>
    public const int MaxLineLength = 64 * 1024 * 1024;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>
    /// Returns true when <paramref name="buffer"/> starts with a complete reply and sets <paramref name="end"/> to
    /// the position just after it. Returns false when more bytes are needed. Throws
    /// <see cref="RedisProtocolException"/> on malformed input.
    /// </summary>
    public static bool TryGetFrame(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        var reader = new SequenceReader<byte>(buffer);
        long remaining = 1;
        while (remaining > 0)
        {
            if (!reader.TryRead(out byte type))
            {
                end = default;
                return false;
            }

            switch (type)
            {
                case (byte)'+':
                case (byte)'-':
                    if (!TrySkipLine(ref reader))
                    {
                        end = default;
                        return false;
                    }

                    break;
                case (byte)':':
                    if (!TryReadInteger(ref reader, out _))
                    {
                        end = default;
                        return false;
                    }

                    break;
                case (byte)'$':
                    if (!TryReadInteger(ref reader, out long length))
                    {
                        end = default;
                        return false;
                    }

                    if (length >= 0)
                    {
                        if (length > MaxBulkLength)
                        {
                            throw new RedisProtocolException($"Bulk string length {length} exceeds the limit.");
                        }

                        if (reader.Remaining < length + 2)
                        {
                            end = default;
                            return false;
                        }

                        reader.Advance(length);
                        if (!reader.IsNext(CrLf, advancePast: true))
                        {
                            throw new RedisProtocolException("Bulk string is not terminated by CRLF.");
                        }
                    }
                    else if (length != -1)
                    {
                        throw new RedisProtocolException($"Invalid bulk string length {length}.");
                    }

                    break;
                case (byte)'*':
                    if (!TryReadInteger(ref reader, out long count))
                    {
                        end = default;
                        return false;
                    }

                    if (count > 0)
                    {
                        if (count > int.MaxValue)
                        {
                            throw new RedisProtocolException($"Array length {count} exceeds the limit.");
                        }

                        remaining += count;
                    }
                    else if (count < -1)
                    {
                        throw new RedisProtocolException($"Invalid array length {count}.");
                    }

                    break;
                default:
                    throw new RedisProtocolException($"Unexpected RESP type byte 0x{type:X2}.");
            }

            remaining--;
        }

        end = reader.Position;
        return true;
    }

    private static bool TrySkipLine(ref SequenceReader<byte> reader)
    {
        if (reader.TryReadTo(out ReadOnlySequence<byte> _, CrLf, advancePastDelimiter: true))
        {
            return true;
        }

        if (reader.Remaining > MaxLineLength)
        {
            throw new RedisProtocolException("Line is too long.");
        }

        return false;
    }

    internal static bool TryReadInteger(ref SequenceReader<byte> reader, out long value)
    {
        if (!reader.TryReadTo(out ReadOnlySpan<byte> line, CrLf, advancePastDelimiter: true))
        {
            if (reader.Remaining > 32)
            {
                throw new RedisProtocolException("Integer line is too long.");
            }

            value = 0;
            return false;
        }

        if (!Utf8Parser.TryParse(line, out value, out int consumed) || consumed != line.Length || line.IsEmpty)
        {
            throw new RedisProtocolException($"Invalid integer '{System.Text.Encoding.ASCII.GetString(line)}'.");
        }

        return true;
    }
}
