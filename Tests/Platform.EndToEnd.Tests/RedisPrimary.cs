using StackExchange.Redis;

namespace Platform.EndToEnd.Tests;

/// <summary>The state Redis's primary as a test's own client sees it.</summary>
internal static class RedisPrimary
{
    /// <summary>
    /// The primary, once the client sees exactly one: a server restarted while the sentinels were still failing over
    /// from it is a primary until they make it a replica (seconds), and a test that read "the" primary then would
    /// pick either.
    /// </summary>
    public static async Task<IServer> WaitAsync(ConnectionMultiplexer redis, CancellationToken ct)
    {
        IServer[] primaries = [];
        await Shop.WaitUntilAsync(() =>
        {
            primaries = [.. redis.GetServers().Where(s => s.IsConnected && !s.IsReplica)];
            return Task.FromResult(primaries.Length == 1);
        }, ct, TimeSpan.FromSeconds(60));
        return primaries[0];
    }
}
