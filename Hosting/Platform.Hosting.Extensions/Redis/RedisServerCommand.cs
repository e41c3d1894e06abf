using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Aspire starts a Redis container with <c>/bin/sh -c "redis-server --requirepass ..."</c> in the manifest:
/// a server option joins that command line.</summary>
internal static class RedisServerCommand
{
    public static IResourceBuilder<RedisResource> WithServerOptions(this IResourceBuilder<RedisResource> builder, string options) =>
        builder.WithArgs(context =>
        {
            var command = context.Args.Count - 1;
            if (command >= 0 && context.Args[command] is string line && line.StartsWith("redis-server", StringComparison.Ordinal))
            {
                context.Args[command] = $"{line} {options}";
            }
        });
}
