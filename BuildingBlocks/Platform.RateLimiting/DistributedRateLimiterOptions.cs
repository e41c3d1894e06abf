using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Platform.RateLimiting;

/// <summary>
/// A GCRA (token bucket) shared by every instance through Redis. Guarantee, per partition key: over any interval of
/// length <see cref="Window"/>, at most <see cref="PermitLimit"/> + <see cref="Burst"/> permits are granted across all
/// instances (see docs/rate-limiting.md for how leasing keeps that exact).
/// </summary>
public sealed class DistributedRateLimiterOptions
{
    /// <summary>Sustained permits per <see cref="Window"/>. Default 100.</summary>
    public int PermitLimit { get; set; } = 100;

    /// <summary>Default 1 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bucket depth: permits usable at once after a quiet period; at least 2. Default 20.</summary>
    public int Burst { get; set; } = 20;

    /// <summary>
    /// Most permits one instance takes from Redis in one call (also capped by the shared depth). The batch adapts to
    /// traffic up to this: it doubles on each refill and halves when leased permits expire unused. Default 256, so a
    /// client sending 50k requests/s to one instance costs it about 200 Redis calls a second.
    /// </summary>
    public int MaxLeaseSize { get; set; } = 256;

    /// <summary>
    /// How long leased permits stay usable locally. Longer means fewer Redis calls for bursty traffic but a shallower
    /// shared bucket (its depth is <see cref="Burst"/> minus the permits one lease lifetime refills). Capped so the
    /// shared depth stays at least half of <see cref="Burst"/>. Default 250 ms.
    /// </summary>
    public TimeSpan LeaseLifetime { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Timeout of each Redis call. Default 250 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// When Redis is unreachable: true (default) decides with a local token bucket of
    /// <see cref="FallbackPermitLimit"/> per window per instance; false rejects everything.
    /// </summary>
    public bool FailOpen { get; set; } = true;

    /// <summary>Per-instance, per-partition permits per window while Redis is down. Default: <see cref="PermitLimit"/>.</summary>
    public int? FallbackPermitLimit { get; set; }

    /// <summary>Prefix of the Redis keys. Default "ratelimit".</summary>
    public string KeyPrefix { get; set; } = "ratelimit";

    /// <summary>Name of the ASP.NET Core rate-limiting policy registered (use with <c>RequireRateLimiting</c>). Default "distributed".</summary>
    public string PolicyName { get; set; } = "distributed";

    /// <summary>Also install the limiter as the global limiter (every endpoint). Default false.</summary>
    public bool Global { get; set; }

    /// <summary>
    /// Partition key of a request. Default: the validated token's subject (<c>sub</c>), else the authenticated name,
    /// else the client address (which is only a forwarded one from a trusted proxy: ServiceDefaults' forwarded headers).
    /// </summary>
    public Func<HttpContext, string> PartitionKey { get; set; } = DefaultPartitionKey;

    private static string DefaultPartitionKey(HttpContext context)
    {
        if (context.User.Identity is { IsAuthenticated: true } identity)
        {
            if (context.User.FindFirst("sub")?.Value is { } subject)
            {
                return "sub:" + subject;
            }

            if (identity.Name is { } name)
            {
                return "user:" + name;
            }
        }

        // a keep-alive connection sends many requests from one address: format the key once per connection. Not blindly:
        // behind a trusted proxy one connection carries many clients (the address is the forwarded one), so the cached
        // key is reused only for the address it was made for.
        var address = context.Connection.RemoteIpAddress;
        var connectionItems = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (connectionItems?.TryGetValue(ConnectionKeyItem, out var cached) == true && cached is AddressKey known && Equals(known.Address, address))
        {
            return known.Key;
        }

        var key = "ip:" + (address?.ToString() ?? "unknown");
        if (connectionItems is not null)
        {
            connectionItems[ConnectionKeyItem] = new AddressKey(address, key);
        }

        return key;
    }

    private sealed record AddressKey(System.Net.IPAddress? Address, string Key);

    private static readonly object ConnectionKeyItem = new();

    internal double EmissionIntervalMs => Window.TotalMilliseconds / PermitLimit;

    /// <summary>Lease lifetime after the cap that keeps the shared depth ≥ Burst/2.</summary>
    internal TimeSpan EffectiveLeaseLifetime => TimeSpan.FromMilliseconds(Math.Min(LeaseLifetime.TotalMilliseconds, Burst / 2.0 * EmissionIntervalMs));

    /// <summary>Depth of the bucket kept in Redis: Burst minus what refills during one lease lifetime.</summary>
    internal double SharedDepth => Burst - (EffectiveLeaseLifetime.TotalMilliseconds / EmissionIntervalMs);

    internal void Validate()
    {
        if (PermitLimit < 1 || Window <= TimeSpan.Zero || Burst < 2 || MaxLeaseSize < 1 || LeaseLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("Rate limiter options need PermitLimit >= 1, Window > 0, Burst >= 2, MaxLeaseSize >= 1, LeaseLifetime > 0.");
        }
    }
}
