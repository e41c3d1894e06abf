using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class RedisMemoryPolicyExtensions
{
    /// <summary>
    /// Bounds the server's memory: <paramref name="policy"/> <c>allkeys-lru</c> for a cache (the least recently used
    /// keys make room), <c>noeviction</c> for state that must never silently vanish (locks, fences, limits, queues:
    /// a write that would exceed the bound fails instead). Both the container (manifest) and the local process obey it.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithMemoryPolicy(this IResourceBuilder<RedisResource> builder, string maxMemory, string policy) =>
        builder.WithAnnotation(new RedisMemoryPolicyAnnotation(maxMemory, policy))
            .WithServerOptions($"--maxmemory {maxMemory} --maxmemory-policy {policy}");
}
