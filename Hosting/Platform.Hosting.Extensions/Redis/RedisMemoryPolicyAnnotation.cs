using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>How much memory a Redis may use and what it does when it is full (Redis's <c>maxmemory</c> and
/// <c>maxmemory-policy</c>).</summary>
public sealed record RedisMemoryPolicyAnnotation(string MaxMemory, string Policy) : IResourceAnnotation;
