using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Platform.Hosting.LocalServers.Servers;

internal sealed class RedisLocalServer(RedisResource redis) : LocalServer(redis)
{
    private bool _started;

    public override IReadOnlyList<RequiredBinary> RequiredBinaries { get; } = [new("/usr/bin/redis-server", "redis-server")];

    public override string Command => "/usr/bin/redis-server";

    public override bool IsDataMount(string target) => target == "/data";

    public override IEnumerable<string> Arguments(ServerDirectories directories) => [ConfigPath(directories)];

    public override async Task PrepareAsync(ServerDirectories directories, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directories.Data);
        var password = redis.PasswordParameter is { } parameter ? await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false) : null;
        var config = AppendStorage(Config(Port, directories.Data, password), redis, directories.IsPersistent);
        if (_started && await RedisSentinelExtensions.NamedPrimaryPortAsync(redis, cancellationToken).ConfigureAwait(false) is { } primary)
        {
            // restarted after a failover: it comes back as the new primary's replica (RedisSentinel.cs says why)
            config = RedisSentinelExtensions.AppendReplicaOf(config, Port, primary, password);
        }

        _started = true;
        await PrivateFile.WriteAsync(ConfigPath(directories), config.ToString(), owner: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lines every Redis process of the system starts with (primary, replica, sentinel).</summary>
    internal static StringBuilder Config(int port, string directory, string? password)
    {
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"port {port}")
            .AppendLine(CultureInfo.InvariantCulture, $"bind {Loopback}")
            .AppendLine("protected-mode yes")
            .AppendLine(CultureInfo.InvariantCulture, $"dir {directory}")
            .AppendLine("daemonize no");
        return password is null ? config : config.AppendLine(CultureInfo.InvariantCulture, $"requirepass {password}");
    }

    /// <summary>
    /// How a server holding data keeps it and bounds it; a replica gets the primary's, since once promoted it must
    /// behave as the primary did. Always an append-only file (in this run's scratch without a volume): a restarted
    /// Redis keeps what it had (locks' fences, a waiting room's queue). Written before Redis answers, so a killed Redis
    /// loses nothing it acknowledged; flushed to disk as the resource's <see cref="RedisAppendOnlyAnnotation"/> says
    /// (the state Redis: every second), else left to the OS (a cache: only a machine crash loses its last seconds).
    /// </summary>
    internal static StringBuilder AppendStorage(StringBuilder config, RedisResource redis, bool persistent)
    {
        var fsync = redis.Annotations.OfType<RedisAppendOnlyAnnotation>().LastOrDefault()?.Fsync ?? "no";
        config.AppendLine("appendonly yes")
            .AppendLine(CultureInfo.InvariantCulture, $"appendfsync {fsync}")
            .AppendLine(persistent ? "save 60 1" : "save \"\"");
        return redis.Annotations.OfType<RedisMemoryPolicyAnnotation>().LastOrDefault() is { } memory
            ? config.AppendLine(CultureInfo.InvariantCulture, $"maxmemory {memory.MaxMemory}")
                .AppendLine(CultureInfo.InvariantCulture, $"maxmemory-policy {memory.Policy}")
            : config;
    }

    private static string ConfigPath(ServerDirectories directories) => Path.Combine(directories.Scratch, "redis.conf");
}
