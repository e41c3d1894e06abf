using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Platform.Redis.Tests;

/// <summary>A reply together with one of its wire encodings (nil has two: <c>$-1</c> and <c>*-1</c>).</summary>
public sealed record Reply(RedisResult Expected, byte[] Encoded)
{
    public override string ToString() =>
        Encoded.Length > 200 ? $"{Expected.Type} ({Encoded.Length} bytes)" : Encoding.UTF8.GetString(Encoded).Replace("\r\n", "\\r\\n", StringComparison.Ordinal);
}

public static class RespTestData
{
    private static readonly char[] LineChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-:.é€".ToCharArray();

    public static byte[] Concat(params IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Ascii(string s) => Encoding.UTF8.GetBytes(s);

    public static Reply Simple(string s) => new(RedisResult.SimpleString(s), Ascii($"+{s}\r\n"));

    public static Reply Error(string s) => new(RedisResult.Error(s), Ascii($"-{s}\r\n"));

    public static Reply Integer(long v) => new(RedisResult.Integer(v), Ascii($":{v}\r\n"));

    public static Reply Bulk(byte[] b) => new(RedisResult.BulkString(b), Concat(Ascii($"${b.Length}\r\n"), b, Ascii("\r\n")));

    public static Reply NullBulk() => new(RedisResult.Null, Ascii("$-1\r\n"));

    public static Reply NullArray() => new(RedisResult.Null, Ascii("*-1\r\n"));

    public static Reply Array(Reply[] items) =>
        new(RedisResult.Array(items.Select(i => i.Expected).ToArray()), Concat([Ascii($"*{items.Length}\r\n"), .. items.Select(i => i.Encoded)]));

    private static Gen<string> Line(int min) =>
        Gen.Choose(min, 12).SelectMany(n => Gen.Elements(LineChars).ArrayOf(n)).Select(c => new string(c));

    private static Gen<long> Int64 =>
        Gen.OneOf(
            Gen.Choose(-1000, 1000).Select(i => (long)i),
            Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue)).Select(t => ((long)t.Item1 << 32) | (uint)t.Item2),
            Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L));

    public static Gen<byte[]> Bytes(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n));

    /// <summary>Small bytes, biased towards the protocol's own delimiters so payloads contain \r, \n, $, *.</summary>
    private static Gen<byte[]> TrickyBytes =>
        Gen.Choose(0, 24).SelectMany(n => Gen.Frequency(
            (3, Gen.Elements((byte)'\r', (byte)'\n', (byte)'$', (byte)'*', (byte)'-', (byte)'+', (byte)':', (byte)0)),
            (5, Gen.Choose(0, 255).Select(b => (byte)b))).ArrayOf(n));

    private static Gen<Reply> Scalar =>
        Gen.Frequency(
            (2, Line(0).Select(Simple)),
            (1, Line(1).Select(s => Error("ERR " + s))),
            (2, Int64.Select(Integer)),
            (4, TrickyBytes.Select(Bulk)),
            (1, Gen.Constant(NullBulk())),
            (1, Gen.Constant(NullArray())));

    /// <summary>Replies of bounded depth: scalars, errors, nils and nested (possibly empty) arrays.</summary>
    public static Gen<Reply> Replies => Gen.Sized(size => ReplyOfDepth(Math.Min(4, 1 + (size / 25))));

    private static Gen<Reply> ReplyOfDepth(int depth) =>
        depth <= 0
            ? Scalar
            : Gen.Frequency(
                (3, Scalar),
                (2, Gen.Choose(0, 4).SelectMany(n => ReplyOfDepth(depth - 1).ArrayOf(n)).Select(Array)));

    /// <summary>Bulk strings bigger than the pipe's segments (and the scanner's short-line limits).</summary>
    public static Gen<Reply> LargeReplies =>
        Gen.Frequency(
            (3, Gen.Choose(4_000, 300_000).Select(n => Bulk(Enumerable.Range(0, n).Select(i => (byte)(i * 31)).ToArray()))),
            (1, Gen.Choose(1, 3).Select(n => Array(Enumerable.Range(0, n).Select(i => Bulk(new byte[70_000 + i])).ToArray()))));

    /// <summary>A sequence of the given bytes cut into segments at the given (sorted, distinct) offsets.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().ToList();
        if (points.Count == 0)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        int start = 0;
        Segment? first = null, last = null;
        foreach (int end in points.Append(bytes.Length))
        {
            var chunk = bytes.AsMemory(start, end - start);
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }

            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
