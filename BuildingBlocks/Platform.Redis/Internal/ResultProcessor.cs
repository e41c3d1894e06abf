using Platform.Redis.Protocol;

namespace Platform.Redis.Internal;

/// <summary>Turns a (non-error) reply frame into the command's result type.</summary>
internal abstract class ResultProcessor<T>
{
    public abstract T Parse(ref RespReader reader);
}

internal static class ResultProcessors
{
    public static readonly ResultProcessor<RedisValue> Value = new ValueProcessor();
    public static readonly ResultProcessor<long> Int64 = new Int64Processor();
    public static readonly ResultProcessor<long?> NullableInt64 = new NullableInt64Processor();
    public static readonly ResultProcessor<bool> Boolean = new BooleanProcessor();
    public static readonly ResultProcessor<bool> OkOrNil = new OkOrNilProcessor();
    public static readonly ResultProcessor<double> Double = new DoubleProcessor();
    public static readonly ResultProcessor<double?> NullableDouble = new NullableDoubleProcessor();
    public static readonly ResultProcessor<string> String = new StringProcessor();
    public static readonly ResultProcessor<RedisValue[]> ValueArray = new ValueArrayProcessor();
    public static readonly ResultProcessor<HashEntry[]> HashEntries = new HashEntriesProcessor();
    public static readonly ResultProcessor<SortedSetEntry[]> SortedSetEntries = new SortedSetEntriesProcessor();
    public static readonly ResultProcessor<ScanPage> Scan = new ScanProcessor();
    public static readonly ResultProcessor<RedisResult> Result = new ResultProcessor();
    public static readonly ResultProcessor<bool> Any = new AnyProcessor();

    private sealed class ValueProcessor : ResultProcessor<RedisValue>
    {
        public override RedisValue Parse(ref RespReader reader) => reader.ReadValue();
    }

    private sealed class Int64Processor : ResultProcessor<long>
    {
        public override long Parse(ref RespReader reader) => reader.ReadInt64();
    }

    private sealed class NullableInt64Processor : ResultProcessor<long?>
    {
        public override long? Parse(ref RespReader reader)
        {
            var value = reader.ReadValue();
            return value.IsNull ? null : value.ToInt64();
        }
    }

    private sealed class BooleanProcessor : ResultProcessor<bool>
    {
        public override bool Parse(ref RespReader reader) => reader.ReadInt64() != 0;
    }

    /// <summary>+OK is true; a nil reply (SET NX/XX not applied) is false.</summary>
    private sealed class OkOrNilProcessor : ResultProcessor<bool>
    {
        public override bool Parse(ref RespReader reader) => !reader.ReadValue().IsNull;
    }

    private sealed class DoubleProcessor : ResultProcessor<double>
    {
        public override double Parse(ref RespReader reader) => reader.ReadValue().ToDouble();
    }

    private sealed class NullableDoubleProcessor : ResultProcessor<double?>
    {
        public override double? Parse(ref RespReader reader)
        {
            var value = reader.ReadValue();
            return value.IsNull ? null : value.ToDouble();
        }
    }

    private sealed class StringProcessor : ResultProcessor<string>
    {
        public override string Parse(ref RespReader reader) => reader.ReadValue().ToString();
    }

    private sealed class ValueArrayProcessor : ResultProcessor<RedisValue[]>
    {
        public override RedisValue[] Parse(ref RespReader reader) => reader.ReadValueArray();
    }

    private sealed class HashEntriesProcessor : ResultProcessor<HashEntry[]>
    {
        public override HashEntry[] Parse(ref RespReader reader)
        {
            long length = reader.ReadArrayLength();
            if (length <= 0)
            {
                return [];
            }

            var entries = new HashEntry[length / 2];
            for (int i = 0; i < entries.Length; i++)
            {
                entries[i] = new HashEntry(reader.ReadValue(), reader.ReadValue());
            }

            return entries;
        }
    }

    private sealed class SortedSetEntriesProcessor : ResultProcessor<SortedSetEntry[]>
    {
        public override SortedSetEntry[] Parse(ref RespReader reader)
        {
            long length = reader.ReadArrayLength();
            if (length <= 0)
            {
                return [];
            }

            var entries = new SortedSetEntry[length / 2];
            for (int i = 0; i < entries.Length; i++)
            {
                var member = reader.ReadValue();
                entries[i] = new SortedSetEntry(member, reader.ReadValue().ToDouble());
            }

            return entries;
        }
    }

    private sealed class ScanProcessor : ResultProcessor<ScanPage>
    {
        public override ScanPage Parse(ref RespReader reader)
        {
            if (reader.ReadArrayLength() != 2)
            {
                throw new RedisException("SCAN reply is not a two-element array.");
            }

            long cursor = reader.ReadValue().ToInt64();
            long count = reader.ReadArrayLength();
            var keys = count <= 0 ? [] : new RedisKey[count];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = reader.ReadValue().ToArray()!;
            }

            return new ScanPage(cursor, keys);
        }
    }

    private sealed class ResultProcessor : ResultProcessor<RedisResult>
    {
        public override RedisResult Parse(ref RespReader reader) => reader.ReadResult();
    }

    /// <summary>Accepts any reply (keep-alive PINGs, pub/sub confirmations).</summary>
    private sealed class AnyProcessor : ResultProcessor<bool>
    {
        public override bool Parse(ref RespReader reader) => true;
    }

}
