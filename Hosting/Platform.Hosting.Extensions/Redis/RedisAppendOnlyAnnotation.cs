using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>The server keeps an append-only file, flushed to disk as <paramref name="Fsync"/> says (Redis's
/// <c>appendfsync</c>: <c>always</c>, <c>everysec</c> or <c>no</c>).</summary>
public sealed record RedisAppendOnlyAnnotation(string Fsync) : IResourceAnnotation;
