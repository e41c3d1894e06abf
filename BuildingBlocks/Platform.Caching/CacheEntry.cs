using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Platform.Caching;

/// <summary>
/// A cached value with its timing. In L1 it holds the deserialised object, so a hit costs a dictionary lookup and
/// a clock read. Times are Unix milliseconds (wall clock, because Redis entries are shared between machines).
/// </summary>
/// <param name="Value">The deserialised value.</param>
/// <param name="FreshUntil">Logical expiry: after it the value is stale.</param>
/// <param name="StaleUntil">Last moment the value may be served by fail-safe.</param>
/// <param name="FactoryMilliseconds">How long the factory took (XFetch's delta).</param>
/// <param name="Version">Random identity of this computation, used to ignore echoes of our own writes.</param>
internal sealed record CacheEntry(object? Value, long FreshUntil, long StaleUntil, int FactoryMilliseconds, long Version)
{
    public bool IsFresh(long now) => now < FreshUntil;

    public bool IsUsableStale(long now) => now < StaleUntil;
}

/// <summary>
/// The Redis format: a fixed 29-byte header (format, fresh-until, stale-until, version, factory ms) then the JSON,
/// so timing survives the trip to other instances without a second key.
/// </summary>
internal static class CacheEntrySerializer
{
    private const byte Format = 1;
    private const int HeaderSize = 1 + 8 + 8 + 8 + 4;

    public static ReadOnlyMemory<byte> Serialize<T>(CacheEntry entry, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var header = buffer.GetSpan(HeaderSize);
        header[0] = Format;
        BinaryPrimitives.WriteInt64LittleEndian(header[1..], entry.FreshUntil);
        BinaryPrimitives.WriteInt64LittleEndian(header[9..], entry.StaleUntil);
        BinaryPrimitives.WriteInt64LittleEndian(header[17..], entry.Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[25..], entry.FactoryMilliseconds);
        buffer.Advance(HeaderSize);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, (T)entry.Value!, typeInfo);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>Null when the bytes are not an entry of this format (e.g. written by an older version): treated as a miss.</summary>
    public static CacheEntry? Deserialize<T>(ReadOnlySpan<byte> bytes, JsonTypeInfo<T> typeInfo)
    {
        if (bytes.Length < HeaderSize || bytes[0] != Format)
        {
            return null;
        }

        var value = JsonSerializer.Deserialize(bytes[HeaderSize..], typeInfo);
        return new CacheEntry(
            value,
            BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[25..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[17..]));
    }
}
