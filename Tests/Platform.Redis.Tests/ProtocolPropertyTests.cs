using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Platform.Redis.Protocol;

namespace Platform.Redis.Tests;

/// <summary>Property tests of the RESP2 parser (<see cref="RespScanner"/> finds frames, <see cref="RespReader"/> reads them).</summary>
public sealed class ProtocolPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static RedisResult Parse(in ReadOnlySequence<byte> frame)
    {
        var reader = new RespReader(frame);
        return reader.ReadResult();
    }

    private static bool IsCompleteFrame(ReadOnlySequence<byte> buffer, out long length)
    {
        if (RespScanner.TryGetFrame(buffer, out var end))
        {
            length = buffer.Slice(0, end).Length;
            return true;
        }

        length = 0;
        return false;
    }

    [Fact]
    public void Reply_split_at_every_byte_boundary_is_incomplete_until_the_last_byte_and_parses_back()
    {
        Check.One(Config, Prop.ForAll(RespTestData.Replies.ToArbitrary(), reply =>
        {
            var bytes = reply.Encoded;
            for (int cut = 0; cut < bytes.Length; cut++)
            {
                // only the prefix has arrived: never a frame
                if (IsCompleteFrame(new ReadOnlySequence<byte>(bytes, 0, cut), out _))
                {
                    return false;
                }

                // everything has arrived, in two segments split at this byte
                var split = RespTestData.Segmented(bytes, [cut]);
                if (!IsCompleteFrame(split, out long length) || length != bytes.Length || !Parse(split).Equals(reply.Expected))
                {
                    return false;
                }
            }

            return IsCompleteFrame(new ReadOnlySequence<byte>(bytes), out long full) && full == bytes.Length
                && Parse(new ReadOnlySequence<byte>(bytes)).Equals(reply.Expected);
        }));
    }

    [Fact]
    public void Reply_cut_into_many_small_segments_parses_back()
    {
        var cuts = Gen.Choose(1, 6).ArrayOf(40).Select(steps => steps.Aggregate(new List<int>(), (acc, s) => { acc.Add((acc.Count == 0 ? 0 : acc[^1]) + s); return acc; }));
        Check.One(Config, Prop.ForAll(RespTestData.Replies.ToArbitrary(), cuts.ToArbitrary(), (reply, points) =>
        {
            var sequence = RespTestData.Segmented(reply.Encoded, points);
            return IsCompleteFrame(sequence, out long length) && length == reply.Encoded.Length && Parse(sequence).Equals(reply.Expected);
        }));
    }

    [Fact]
    public void Stream_of_replies_delivered_in_random_chunks_yields_every_reply_in_order()
    {
        var input = Gen.Zip(RespTestData.Replies.ArrayOf(), Gen.Choose(1, 50).ArrayOf(200));
        Check.One(Config, Prop.ForAll(input.ToArbitrary(), t =>
        {
            var (replies, chunkSizes) = t;
            var stream = RespTestData.Concat(replies.Select(r => r.Encoded));
            var parsed = new List<RedisResult>();
            var buffer = new List<byte>();
            int offset = 0, chunk = 0;
            while (offset < stream.Length)
            {
                // what the read loop does: append what arrived, take every complete frame, keep the rest
                int size = Math.Min(chunkSizes.Length == 0 ? stream.Length : chunkSizes[chunk++ % chunkSizes.Length], stream.Length - offset);
                buffer.AddRange(stream.AsSpan(offset, size).ToArray());
                offset += size;
                var sequence = new ReadOnlySequence<byte>(buffer.ToArray());
                while (RespScanner.TryGetFrame(sequence, out var end))
                {
                    parsed.Add(Parse(sequence.Slice(0, end)));
                    sequence = sequence.Slice(end);
                }

                buffer = [.. sequence.ToArray()];
            }

            return buffer.Count == 0 && parsed.SequenceEqual(replies.Select(r => r.Expected));
        }));
    }

    [Fact]
    public void Large_bulk_strings_split_at_random_points_parse_back()
    {
        var input = Gen.Zip(RespTestData.LargeReplies, Gen.Choose(0, int.MaxValue).ArrayOf(8));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(input.ToArbitrary(), t =>
        {
            var (reply, seeds) = t;
            var bytes = reply.Encoded;
            foreach (int seed in seeds)
            {
                int cut = seed % bytes.Length;
                if (IsCompleteFrame(new ReadOnlySequence<byte>(bytes, 0, cut), out _))
                {
                    return false;
                }
            }

            var sequence = RespTestData.Segmented(bytes, seeds.Select(s => s % bytes.Length));
            return IsCompleteFrame(sequence, out long length) && length == bytes.Length && Parse(sequence).Equals(reply.Expected);
        }));
    }

    [Fact]
    public void Corrupt_type_byte_is_a_protocol_error()
    {
        var invalid = Gen.Choose(0, 255).Select(b => (byte)b).Where(b => "+-:$*"u8.IndexOf(b) < 0);
        Check.One(Config, Prop.ForAll(RespTestData.Replies.ToArbitrary(), invalid.ToArbitrary(), (reply, type) =>
        {
            var bytes = (byte[])reply.Encoded.Clone();
            bytes[0] = type;
            try
            {
                RespScanner.TryGetFrame(new ReadOnlySequence<byte>(bytes), out _);
                return false;
            }
            catch (RedisProtocolException)
            {
                return true;
            }
        }));
    }

    [Theory]
    [InlineData("$5\r\nhello\r\r")]          // bulk not terminated by CRLF
    [InlineData("$-2\r\n")]                  // invalid length
    [InlineData("*-5\r\n")]
    [InlineData(":12a\r\n")]                 // not an integer
    [InlineData("$\r\n")]
    [InlineData("$999999999999\r\n")]        // beyond proto-max-bulk-len
    public void Malformed_headers_are_protocol_errors(string input)
    {
        Assert.Throws<RedisProtocolException>(() =>
            RespScanner.TryGetFrame(new ReadOnlySequence<byte>(RespTestData.Ascii(input)), out _));
    }

    [Fact]
    public void Integer_line_without_terminator_beyond_any_valid_length_is_a_protocol_error()
    {
        var bytes = RespTestData.Ascii(":" + new string('1', 64));
        Assert.Throws<RedisProtocolException>(() => RespScanner.TryGetFrame(new ReadOnlySequence<byte>(bytes), out _));
    }

    [Fact]
    public void Deeply_nested_arrays_are_scanned_without_recursion()
    {
        const int depth = 10_000;
        var bytes = RespTestData.Concat(Enumerable.Repeat(RespTestData.Ascii("*1\r\n"), depth).Append(RespTestData.Ascii(":1\r\n")));
        Assert.True(IsCompleteFrame(new ReadOnlySequence<byte>(bytes), out long length));
        Assert.Equal(bytes.Length, length);
        Assert.False(IsCompleteFrame(new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1), out _));
    }

    [Fact]
    public void Commands_are_encoded_as_arrays_of_bulk_strings()
    {
        var value = Gen.OneOf(
            RespTestData.Bytes(40).Select(b => (RedisValue)b),
            Gen.Choose(int.MinValue, int.MaxValue).Select(i => (RedisValue)((long)i * 1_000_003)),
            Gen.Elements<RedisValue>(long.MinValue, long.MaxValue, 0, -1, 9, 10, 999_999_999, 1_000_000_000, 0.5, double.PositiveInfinity, "héllo\r\n", ""));
        Check.One(Config, Prop.ForAll(value.ArrayOf().ToArbitrary(), args =>
        {
            var writer = new CommandWriter(Commands.ECHO, args.Length);
            foreach (var arg in args)
            {
                writer.Write(arg);
            }

            var encoded = writer.Detach().AsSpan(0, writer.Length).ToArray();
            var reader = new RespReader(new ReadOnlySequence<byte>(encoded));
            var parsed = reader.ReadResult().AsArray();
            return parsed.Length == args.Length + 1
                && parsed[0].AsString() == "ECHO"
                && parsed.Skip(1).Select(p => p.AsBytes()!).Zip(args, (p, a) => p.AsSpan().SequenceEqual(a.AsMemory().Span)).All(x => x);
        }));
    }

    [Fact]
    public void Int64_arguments_use_their_decimal_form()
    {
        foreach (long v in new[] { 0L, 7, -7, 9, 10, 99, 100, 999_999_999, 1_000_000_000, -1_000_000_000, long.MaxValue, long.MinValue })
        {
            var writer = new CommandWriter(Commands.INCRBY, 1);
            writer.Write(v);
            var text = System.Text.Encoding.ASCII.GetString(writer.Detach(), 0, writer.Length);
            var digits = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"*2\r\n$6\r\nINCRBY\r\n${digits.Length}\r\n{digits}\r\n", text);
        }
    }
}
