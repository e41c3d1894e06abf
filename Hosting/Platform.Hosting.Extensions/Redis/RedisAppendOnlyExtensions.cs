using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class RedisAppendOnlyExtensions
{
    /// <summary>
    /// Every write goes to an append-only file before Redis answers, and the file reaches the disk every second
    /// (<c>everysec</c>): a killed server loses nothing it acknowledged, a machine that loses power loses at most the
    /// last second. Aspire's <c>WithDataVolume</c> alone turns on snapshots only (<c>--save 60 1</c>), which lose up to
    /// a minute of state (locks' fences, a sale's queue). Both the container (manifest) and the local process obey it.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithAppendOnlyFile(this IResourceBuilder<RedisResource> builder, string fsync = "everysec") =>
        builder.WithAnnotation(new RedisAppendOnlyAnnotation(fsync), ResourceAnnotationMutationBehavior.Replace)
            .WithServerOptions($"--appendonly yes --appendfsync {fsync}");
}
