using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Remembers tokens JwtBearer has validated, until they expire: a buyer's client sends the same access token for its
/// whole lifetime, and checking its RS256 signature again on every request cost the gateway a quarter of its
/// throughput (docs/benchmarks.md). Keyed by the token's SHA-256, so only a byte-identical token is a hit: a forged,
/// altered or different token is validated in full. Bounded (<see cref="MaxEntries"/>, then the oldest go), and an
/// entry never outlives its token's expiry.
/// </summary>
public sealed class ValidatedTokenCache : IDisposable
{
    public const int MaxEntries = 20_000;

    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries, CompactionPercentage = 0.25 });

    /// <summary>Puts the cache in front of JwtBearer's validation.</summary>
    public void Attach(JwtBearerOptions options)
    {
        var events = options.Events ?? new JwtBearerEvents();
        var messageReceived = events.OnMessageReceived;
        var tokenValidated = events.OnTokenValidated;
        events.OnMessageReceived = async context =>
        {
            await messageReceived(context).ConfigureAwait(false);
            if (context.Result is null && BearerKey(context.Request.Headers.Authorization.ToString()) is { } key
                && _cache.TryGetValue(key, out ClaimsPrincipal? principal) && principal is not null)
            {
                context.Principal = principal.Clone(); // the request may add to it; the cached one stays as validated
                context.Success();
            }
        };
        events.OnTokenValidated = async context =>
        {
            await tokenValidated(context).ConfigureAwait(false);
            if (context.Result is null && context.SecurityToken is JsonWebToken { EncodedToken: { } token } jwt && context.Principal is { } principal)
            {
                var expires = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
                var latest = DateTimeOffset.UtcNow + MaxAge;
                _cache.Set(Key(token.AsSpan()), principal.Clone(), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expires < latest ? expires : latest });
            }
        };
        options.Events = events;
    }

    public void Dispose() => _cache.Dispose();

    // every request with a token comes here: the token is hashed where it lies in the header, without copying it
    private static string? BearerKey(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.AsSpan(7).Trim() is { Length: > 0 } token
            ? Key(token)
            : null;

    private static string Key(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var rented = length > 4096 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var bytes = rented ?? stackalloc byte[4096];
        try
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
            return Convert.ToBase64String(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
