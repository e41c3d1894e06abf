using System.Text;

namespace Platform.Redis;

/// <summary>
/// A Redis key: a binary-safe byte string. Implicitly created from <see cref="string"/> (UTF-8) or <see cref="byte"/>[].
/// </summary>
public readonly struct RedisKey : IEquatable<RedisKey>
{
    private readonly object? _value; // string or byte[]

    public RedisKey(string key) => _value = key ?? throw new ArgumentNullException(nameof(key));

    public RedisKey(byte[] key) => _value = key ?? throw new ArgumentNullException(nameof(key));

    /// <summary>True for <c>default(RedisKey)</c>, which is rejected by every command.</summary>
    public bool IsNull => _value is null;

    internal object? RawValue => _value;

    public static implicit operator RedisKey(string key) => new(key);

    public static implicit operator RedisKey(byte[] key) => new(key);

    public static implicit operator string?(RedisKey key) => key.ToString();

    /// <summary>The key's bytes (UTF-8 encoded if it was created from a string).</summary>
    public byte[] ToArray() => _value switch
    {
        string s => Encoding.UTF8.GetBytes(s),
        byte[] b => b,
        _ => [],
    };

    /// <summary>The key decoded as UTF-8.</summary>
    public override string ToString() => _value switch
    {
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        _ => "",
    };

    public bool Equals(RedisKey other)
    {
        if (_value is string a && other._value is string b)
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }

        return ToArray().AsSpan().SequenceEqual(other.ToArray());
    }

    public override bool Equals(object? obj) => obj is RedisKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(ToArray());
        return hash.ToHashCode();
    }

    public static bool operator ==(RedisKey left, RedisKey right) => left.Equals(right);

    public static bool operator !=(RedisKey left, RedisKey right) => !left.Equals(right);
}
